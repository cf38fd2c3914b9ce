// netbreak trace on real labs, through the real CLI: for each scenario the trace of
// its symptom names the object the scenario's diagnosis names, and after the fix
// the same trace ends in "delivered"; a DROP typed by hand is reported as nobody's;
// and a trace leaves nothing behind (rules, capture processes), even on Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.js';
import { rulesWithoutCounters } from '../../src/trace/counter-diff.js';
import { netbreak, ROOT } from '../helpers/cli.js';
import { hostNetworkState, labNamespaces } from '../helpers/host-state.js';
import { isRoot } from '../helpers/root.js';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-trace-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'trc-e2e';
const cli = (...args: string[]) => netbreak([...args], env);
const onLab = (...args: string[]) => cli(...args, '--lab', LAB);

interface Blame {
  kind: string;
  namespace?: string;
  name: string;
  detail?: string;
  by?: string;
}

const objectOf = (b: Blame | undefined) => (b ? [b.kind, b.namespace, b.name].filter(Boolean).join('/') : 'nothing');

/** What the trace of each scenario's symptom must say, beyond naming the diagnosis object. */
const SCENARIOS: Record<string, { verdict: string; lastHop: RegExp }> = {
  'deny-all-ingress': { verdict: 'dropped', lastHop: /^dropped on \S+ by NetworkPolicy \S+ \(ingress: / },
  'dns-egress-denied': { verdict: 'dns-failed', lastHop: /^DNS \S+: no answer from kube-dns 10\.96\.0\.10/ },
  'service-selector-mismatch': { verdict: 'rejected', lastHop: /^rejected on \S+ by kube-proxy: Service \S+ has no endpoints/ },
};

/** The rules of every namespace of the lab, without counters: what a trace must not change. */
async function labRules(): Promise<Record<string, string>> {
  const namespaces = await labNamespaces(LAB);
  const dumps = await Promise.all(namespaces.map((ns) => execa('ip', ['netns', 'exec', ns, 'iptables-save'], { reject: false })));
  return Object.fromEntries(namespaces.map((ns, i) => [ns, rulesWithoutCounters(dumps[i]!.stdout)]));
}

/** tcpdump processes writing into `dir`. */
async function captures(dir: string): Promise<string[]> {
  const r = await execa('pgrep', ['-a', 'tcpdump'], { reject: false });
  return r.stdout.split('\n').filter((l) => l.includes(dir));
}

describe.skipIf(!isRoot)(`netbreak trace on the netns lab${isRoot ? '' : ' (skipped: needs root)'}`, () => {
  let host: Record<string, string>;
  beforeAll(async () => {
    host = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    if ((await labNamespaces(LAB)).length) await onLab('stop');
    expect(await labNamespaces(LAB)).toEqual([]);
    expect(await hostNetworkState(LAB)).toEqual(host);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  for (const [id, expected] of Object.entries(SCENARIOS)) {
    // A start, two traces, a fix, a check and a stop: about 10 s each on an idle machine; more room for a busy CI runner.
    it(`${id}: the symptom's trace names the faulting object; after the fix it ends in "delivered"`, { timeout: 90_000 }, async () => {
      const start = await cli('start', id, '--lab', LAB, '--json');
      expect(start.code, start.stderr).toBe(0);
      try {
        // The diagnosis of this learner's variant (names differ by seed).
        const loaded = await loadScenario(path.join(ROOT, 'scenarios', id), { seed: start.json().seed });
        await traceScenario(id, expected, start.json().symptom, loaded.scenario.diagnosis.object);
      } finally {
        expect((await onLab('stop')).code).toBe(0);
        expect(await labNamespaces(LAB)).toEqual([]);
      }
    });
  }
});

/** The symptom's trace before the fix (and Ctrl-C during a capture), then the fix and the trace in the debrief. */
async function traceScenario(id: string, expected: { verdict: string; lastHop: RegExp }, symptom: { from: string; to: string }, diagnosis: string): Promise<void> {
  const broken = await onLab('trace', '--from', symptom.from, '--to', symptom.to, '-o', 'json');
  expect(broken.code).toBe(1);
  const trace = broken.json();
  expect(trace.verdict).toBe(expected.verdict);
  expect(objectOf(trace.blame)).toBe(diagnosis);
  expect(trace.hops.at(-1).text).toMatch(expected.lastHop);

  if (id === 'dns-egress-denied') {
    // Ctrl-C while capturing: the CLI ends its tcpdumps and exits 130.
    const dir = path.join(stateDir, 'pcap-interrupted');
    const child = execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), 'trace', '--lab', LAB, '--from', symptom.from, '--to', symptom.to, '--pcap', dir], { reject: false, env: { ...env, NO_COLOR: '1' } });
    const until = Date.now() + 10_000;
    while ((await captures(dir)).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect((await captures(dir)).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(await captures(dir)).toEqual([]);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  }

  if (id === 'service-selector-mismatch') {
    // debrief shows the same trace, labelled as the state before the fix
    const before = (await onLab('debrief', '--json')).json();
    expect(before.trace.when).toBe('before the fix');
    expect(objectOf(before.trace.blame)).toBe(diagnosis);
  }

  expect((await onLab('solve')).code).toBe(0);
  const check = await onLab('check', '--json');
  expect(check.code, check.stdout).toBe(0);
  const debrief = (await onLab('debrief', '--json')).json();
  expect(debrief.trace.when).toBe('after the fix');
  expect(debrief.trace.verdict).toBe('delivered');
  const delivered = debrief.trace.hops.at(-1);
  expect(delivered.step).toBe('delivered');
  expect(delivered.text).toMatch(/^delivered to 10\.244\.\d+\.\d+:\d+ \(pod \S+\), answered by \S+$/);

  if (id === 'deny-all-ingress') await handWrittenDrop(symptom);
}

/** A DROP typed on the api pods' nodes is reported as a rule nobody owns; the trace (with --pcap) leaves no trace. */
async function handWrittenDrop(symptom: { from: string; to: string }): Promise<void> {
  const namespace = symptom.from.split('/')[0]!;
  const pods: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string } }[] = (await onLab('get', 'pods', '-n', namespace, '-o', 'json')).json().items;
  const api = pods.filter((p) => p.metadata.name.startsWith('api-'));
  expect(api.length).toBeGreaterThan(0);
  const rule = (p: (typeof api)[number], op: '-I' | '-D') => cli('exec', '--lab', LAB, `node/${p.spec.nodeName}`, '--', 'iptables', op, 'FORWARD', '-d', p.status.podIP, '-j', 'DROP');
  for (const r of await Promise.all(api.map((p) => rule(p, '-I')))) expect(r.code).toBe(0);
  try {
    const rulesBefore = await labRules();
    const dir = path.join(stateDir, 'pcap');
    const r = await onLab('trace', '--from', symptom.from, '--to', symptom.to, '--pcap', dir, '--json');
    const trace = r.json();
    expect(trace.verdict).toBe('dropped');
    expect(trace.blame).toMatchObject({ kind: 'Rule', by: 'hand-written' });
    const victim = api.find((p) => trace.blame.name === `-A FORWARD -d ${p.status.podIP}/32 -j DROP`);
    expect(victim, trace.blame.name).toBeDefined();
    expect(trace.blame.detail).toBe(victim!.spec.nodeName);
    expect(trace.hops.at(-1).text).toBe(`dropped on ${victim!.spec.nodeName} by a hand-written rule no Kubernetes object owns: -A FORWARD -d ${victim!.status.podIP}/32 -j DROP`);

    // One pcap per hop, numbered along the path; the SYN is in the first and never in the last.
    const files: { file: string; packets: number }[] = trace.pcaps;
    expect(files.map((f) => path.basename(f.file))[0]).toMatch(/^01-frontend-eth0\.pcap$/);
    expect(files.map((f) => path.basename(f.file)).every((f, i) => f.startsWith(`${String(i + 1).padStart(2, '0')}-`))).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => path.basename(f.file)).sort());
    expect(files[0]!.packets).toBeGreaterThan(0);
    expect(files.at(-1)!.packets).toBe(0);

    expect(await captures(dir)).toEqual([]);
    expect(await labRules()).toEqual(rulesBefore);
  } finally {
    await Promise.all(api.map((p) => rule(p, '-D')));
  }
}
