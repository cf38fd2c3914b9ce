// netbreak trace on real labs, through the real CLI: for every scenario of the
// library the trace of its symptom names the faulting object (what that means
// for each fault is written down in EXPECTED), and after the reference fix the
// same trace ends in "delivered"; a DROP typed by hand is reported as nobody's;
// and a trace leaves nothing behind (rules, capture processes), even on Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.js';
import { rulesWithoutCounters } from '../../src/trace/counter-diff.js';
import { netbreak, ROOT } from '../helpers/cli.js';
import { hostNamespacesOf, hostNetworkState, inLab, labNamespaces, labProcessesRunning } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate(['tcpdump', 'pgrep']);

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

/** The scenario's diagnosis object, `Kind/namespace/name` or `Kind/name`. */
interface Diagnosis {
  kind: string;
  namespace?: string;
  name: string;
}

interface Expected {
  /** The verdict of the symptom's trace before the fix (a RegExp where the lab picks between two ways to fail). */
  verdict: string | RegExp;
  /** What "names the faulting object" means for this fault: the trace's whole `blame`, from the diagnosis object. */
  blame: (d: Diagnosis) => Record<string, unknown>;
  /** The failed hop that names it must say why. */
  says: RegExp;
  /**
   * Why trace cannot name this fault yet. The test then must fail (it.fails): when trace learns it,
   * the test says so, and the gap entry goes.
   */
  gap?: string;
}

const sameObject = (d: Diagnosis) => ({ kind: d.kind, ...(d.namespace ? { namespace: d.namespace } : {}), name: d.name });
const any = (pattern: RegExp) => expect.stringMatching(pattern);

/**
 * Per scenario, what its symptom's trace must blame, for the reference variant
 * (seed 0). Object faults name the diagnosis object itself: a NetworkPolicy (and
 * direction), a Service (and why it has no endpoints, or its targetPort), a
 * Deployment (scaled to zero, pods never Ready, a pod template that listens on
 * 127.0.0.1 or names another cluster's nameserver), the CoreDNS ConfigMap (the
 * Corefile's zone), the kube-proxy DaemonSet (stale rules). Node faults name the
 * diagnosis node and what on it: the hand-typed rule no object owns, or the
 * missing route to another node's pod CIDR.
 */
const EXPECTED: Record<string, Expected> = {
  'release-train': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'ingress' }),
    says: /^dropped on \S+ by NetworkPolicy [^(]+ \(ingress: .*; \S+: its ingress rule 0 admits tcp\/http, but its from \(podSelector app=fronted\) does not match pod shop\/frontend-\S+\)$/,
  },
  'refused-after-upgrade': {
    verdict: 'refused',
    blame: (d) => ({ ...sameObject(d), detail: any(/^pod api-\S+: listens on 127\.0\.0\.1:8080 only$/) }),
    says: /^refused by 10\.244\.\d+\.\d+:8080 \(pod shop\/api-\S+\): the app listens on 127\.0\.0\.1:8080 only, .*not a network fault/,
  },
  'always-the-policy': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: 'scaled to 0 replicas' }),
    says: /^Service kube-system\/kube-dns has no endpoints \(port dns\), .*matches the pods of Deployment kube-system\/coredns, which is scaled to 0 replicas$/,
  },
  'could-not-resolve-host': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: 'Corefile: kubernetes zone cluster.lcoal, not cluster.local' }),
    says: /^CoreDNS answered NXDOMAIN for names under cluster\.local: the Corefile's kubernetes plugin \(line \d+\) serves cluster\.lcoal in-addr\.arpa ip6\.arpa, not cluster\.local/,
  },
  'friday-merge': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'ingress' }),
    says: /^dropped on \S+ by NetworkPolicy shop\/default-deny-ingress \(ingress: it isolates shop\/api-\S+ and no rule allows tcp\/8080 from pod shop\/frontend-\S+\)$/,
  },
  'after-the-pentest': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: 'egress' }),
    says: /^dropped on \S+ by NetworkPolicy \S+ \(egress: it isolates shop\/frontend-\S+ and no rule allows udp\/53 to pod kube-system\/coredns-/,
  },
  'only-the-frontend': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: any(/^pod frontend-\S+: dnsConfig nameserver 10\.100\.0\.10$/) }),
    says: /nameserver 10\.100\.0\.10, which is no Service of this cluster .*: look at the pod template of Deployment shop\/frontend: its dnsPolicy and dnsConfig$/,
  },
  'one-worker-hangs': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'no local endpoints' }),
    says: /^dropped on worker2 by kube-proxy: Service shop\/web has no local endpoints .*externalTrafficPolicy is Local/,
  },
  'nothing-resolves': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: any(/^selector \S+ matches no pod$/) }),
    says: /^rejected on \S+ by kube-proxy: Service kube-system\/kube-dns has no endpoints \(port dns\): its selector \S+ matches no pod in namespace kube-system/,
  },
  'overnight-quiet': {
    // The lost packet is the api connection, or a DNS query kube-proxy sent to the CoreDNS pod on worker.
    verdict: /^(lost|dns-failed)$/,
    blame: (d) => ({ kind: 'Node', name: d.name, detail: 'route to 10.244.1.0/24' }),
    says: /^route default via 172\.18\.0\.1 on worker2: no route to 10\.244\.1\.0\/24 \(pods of node worker\)/,
  },
  'catalog-never-finishes': {
    verdict: 'dropped',
    blame: (d) => ({ kind: 'Rule', by: 'hand-written', detail: d.name, name: any(/^-A OUTPUT -p icmp -m icmp --icmp-type 3\/4 .*-j DROP$/) }),
    says: /^ICMP dropped on worker by a hand-written rule .* without "fragmentation needed" the sender never learns the path MTU \(worker's route 10\.244\.2\.0\/24 back to the client has mtu 1400\), .*MTU black hole/,
  },
  'monday-rollout': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'ingress' }),
    says: /; shop\/api-allow-web: its ingress rule 0 admits tcp\/http, but its from \(namespaceSelector team=web\) does not match pod web\/frontend-\S+\)$/,
  },
  'happy-checkout': {
    verdict: 'dropped',
    blame: (d) => ({ kind: 'Rule', by: 'hand-written', detail: d.name, name: any(/^-A FORWARD -d 10\.244\.1\.0\/24 .*-j DROP$/) }),
    says: /^dropped on worker2 by a hand-written rule no Kubernetes object owns: -A FORWARD -d 10\.244\.1\.0\/24 /,
  },
  'one-worker-unhealthy': {
    verdict: 'dropped',
    blame: (d) => ({ kind: 'Rule', by: 'hand-written', detail: d.name, name: any(/^-t raw -A NODE-HARDENING .*--dport 30000:32767 .*-j DROP$/) }),
    says: /^dropped on worker2 by a hand-written rule no Kubernetes object owns: -A NODE-HARDENING .*--dport 30000:32767 .*\(table raw\)$/,
  },
  'reviewed-by-two': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'ingress' }),
    says: /its from \(namespaceSelector kubernetes\.io\/metadata\.name=monitoring AND podSelector app=frontend\) does not match pod shop\/frontend-\S+\)$/,
  },
  'checkout-outage': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'ingress' }),
    says: /its ingress rule 0 admits pod shop\/frontend-\S+ but only tcp\/80, not tcp\/8080\)$/,
  },
  'friday-release': {
    verdict: 'rejected',
    blame: (d) => ({ ...sameObject(d), detail: 'no pod Ready' }),
    says: /^rejected on \S+ by kube-proxy: Service shop\/api has no endpoints \(port http\): its selector app=api matches \d+ pods? of Deployment shop\/api, and none of them is Ready \(readinessProbe GET \/ready /,
  },
  'afternoon-deploy': {
    verdict: 'rejected',
    blame: (d) => ({ ...sameObject(d), detail: 'selector app=api-v2 matches no pod' }),
    says: /^rejected on \S+ by kube-proxy: Service shop\/api has no endpoints \(port http\): its selector app=api-v2 matches no pod in namespace shop/,
  },
  'frontend-waits': {
    verdict: 'lost',
    blame: (d) => ({ ...sameObject(d), detail: 'no kube-proxy pod on worker2: its rules are stale' }),
    says: /^KUBE-SEP-\w+ DNAT → 10\.244\.\d+\.\d+:8080: a stale rule, .*kube-proxy is not running on worker2\)$/,
  },
  'fridays-two-changes': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: 'egress' }),
    says: /^dropped on worker2 by NetworkPolicy shop\/frontend-egress \(egress: .*no rule allows udp\/53 /,
  },
  'names-down-after-lunch': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: any(/forward \. 127\.0\.1\.1/) }),
    says: /CoreDNS .*loop/,
  },
  'collector-stopped-shipping': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: any(/dnsPolicy ClusterFirst/) }),
    says: /resolv\.conf .*172\.18\.0\.1/,
    gap: "trace follows packets from a pod's own network namespace and refuses a hostNetwork source; it does not yet trace from the node's namespace with the pod's resolv.conf",
  },
  'one-worker-cut-off': {
    verdict: 'lost',
    blame: (d) => ({ kind: 'Node', name: d.name, detail: 'net.ipv4.ip_forward = 0' }),
    says: /^dropped on worker2: IP forwarding is off/,
  },
  'after-the-allow-list': {
    verdict: 'dns-failed',
    blame: (d) => ({ kind: 'Node', name: d.name, detail: 'no masquerade for traffic leaving the cluster' }),
    says: /KIND-MASQ-AGENT/,
  },
  'reports-lost-the-shards': {
    verdict: 'dns-failed',
    blame: (d) => ({ ...sameObject(d), detail: 'egress' }),
    // Only the object: trace follows the UDP query, not the retry over TCP that the policy drops.
    says: /^dropped on \S+ by NetworkPolicy warehouse\/reports-egress \(egress: it isolates warehouse\/reports-\S+/,
  },
  'after-the-latency-work': {
    verdict: 'dropped',
    blame: (d) => ({ ...sameObject(d), detail: 'no local endpoints' }),
    says: /^dropped on worker2 by kube-proxy: Service shop\/api has no local endpoints \(port http\): its internalTrafficPolicy is Local/,
  },
  'always-the-same-clients': {
    verdict: 'refused',
    // Trace names the pod that refuses (the canary's Deployment); the affinity that keeps the frontend there is the Service's.
    blame: () => ({ kind: 'Deployment', namespace: 'shop', name: 'api-canary', detail: any(/^pod api-canary-\S+: nothing listens on tcp\/8080$/) }),
    says: /^refused by 10\.244\.\d+\.\d+:8080 \(pod shop\/api-canary-\S+\): nothing listens on tcp\/8080 there/,
  },
  'ready-but-no-endpoints': {
    verdict: 'rejected',
    blame: (d) => ({ ...sameObject(d), detail: 'targetPort http-api' }),
    says: /^rejected on \S+ by kube-proxy: Service shop\/api has no endpoints \(port http\): its targetPort "http-api" names no container port of the 2 pods of Deployment shop\/api/,
  },
  'connection-refused-on-80': {
    // Trace does not know yet that a headless Service translates no port: it names the pods that refused
    // (the api Deployment's), not the Service that sent the client to them on port 80.
    verdict: 'refused',
    blame: () => ({ kind: 'Deployment', namespace: 'shop', name: 'api', detail: any(/^pod api-\S+: nothing listens on tcp\/80$/) }),
    says: /^refused by 10\.244\.\d+\.\d+:80 \(pod shop\/api-\S+\): nothing listens on tcp\/80 there/,
  },
  'settlement-run-hangs': {
    // Seed 0 runs kube-proxy in iptables mode: the SYN to the unallocated address leaves the node untranslated.
    verdict: 'lost',
    blame: (d) => ({ ...sameObject(d), detail: 'clusterIP 10.96.20.41, not 10.96.20.14' }),
    says: /^timeout: nothing translated 10\.96\.20\.14:8080: no Service, pod or node holds 10\.96\.20\.14, .*served by ledger 10\.96\.20\.41\)$/,
  },
  'since-the-batch-pool': {
    // worker2's taint evicted kube-proxy; trace names the DaemonSet whose pod is missing there.
    verdict: 'lost',
    blame: (d) => ({ ...sameObject(d), detail: 'no kube-proxy pod on worker2: its rules are stale' }),
    says: /^KUBE-SEP-\w+ DNAT → 10\.244\.\d+\.\d+:8080: a stale rule, .*kube-proxy is not running on worker2\)$/,
  },
  'search-cannot-reach-itself': {
    verdict: 'lost',
    blame: (d) => ({
      kind: 'Rule',
      by: 'hand-written',
      detail: d.name,
      name: any(/^-t nat -A POSTROUTING -s 10\.244\.0\.0\/16 -d 10\.244\.0\.0\/16 .*-j RETURN$/),
    }),
    says: /hairpin not masqueraded on worker: the Service sent pod shop\/search-\S+ connection back to itself, .*returns before kube-proxy's KUBE-POSTROUTING masquerades it/,
  },
  'partner-feed-stopped': {
    // Seed 0 runs kube-proxy in nftables mode: cluster-ips-check rejects a held ClusterIP's unserved port.
    verdict: 'refused',
    blame: (d) => ({ ...sameObject(d), detail: 'no port 8080' }),
    says: /^refused: nothing translated 10\.96\.44\.12:8080: Service shop\/invoices holds 10\.96\.44\.12 but serves tcp\/80, not tcp\/8080; /,
  },
  'refused-every-call': {
    verdict: 'refused',
    blame: (d) => ({ ...sameObject(d), detail: 'targetPort 80' }),
    says: /Service shop\/api sends to port 80, but the pod declares tcp http 8080 \(check the Service's targetPort\)$/,
  },
};

/** Every scenario of the library, so a new one is traced (or fails for want of an EXPECTED entry). */
const LIBRARY = fs
  .readdirSync(path.join(ROOT, 'scenarios'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(ROOT, 'scenarios', e.name, 'scenario.yaml')))
  .map((e) => e.name)
  .sort();

function parseDiagnosis(object: string): Diagnosis {
  const parts = object.split('/');
  return parts.length === 3 ? { kind: parts[0]!, namespace: parts[1]!, name: parts[2]! } : { kind: parts[0]!, name: parts[1]! };
}

/** The rules of every namespace of the lab, without counters: what a trace must not change. */
async function labRules(): Promise<Record<string, string>> {
  const namespaces = await labNamespaces(LAB, stateDir);
  const dumps = await Promise.all(namespaces.map((ns) => inLab(LAB, stateDir, { lab: true }, ['ip', 'netns', 'exec', ns, 'iptables-save'])));
  return Object.fromEntries(namespaces.map((ns, i) => [ns, rulesWithoutCounters(dumps[i]?.stdout ?? '')]));
}

/** tcpdump processes writing into `dir`. */
async function captures(dir: string): Promise<string[]> {
  const r = await execa('pgrep', ['-a', 'tcpdump'], { reject: false });
  return r.stdout.split('\n').filter((l) => l.includes(dir));
}

describe.skipIf(labTests.skip)(labTests.title('netbreak trace on the netns lab'), () => {
  let host: Record<string, string>;
  const started = Date.now();
  beforeAll(async () => {
    host = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    if (labProcessesRunning(stateDir, LAB).length) await onLab('stop');
    expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
    expect(await hostNamespacesOf(LAB)).toEqual([]);
    expect(await hostNetworkState(LAB)).toEqual(host);
    fs.rmSync(stateDir, { recursive: true, force: true });
    console.log(`trace e2e: ${LIBRARY.length} scenarios in ${Math.round((Date.now() - started) / 1000)} s`);
  });

  it('every EXPECTED entry is a scenario of the library', () => {
    expect(Object.keys(EXPECTED).filter((id) => !LIBRARY.includes(id))).toEqual([]);
  });

  for (const id of LIBRARY) {
    // A start, a trace, a fix, a trace and a stop: about 10 s on an idle machine; room for a busy CI runner.
    const test = EXPECTED[id]?.gap ? it.fails : it;
    test(`${id}: the symptom's trace names the faulting object; after the fix it ends in "delivered"`, { timeout: 150_000 }, async () => {
      const expected = EXPECTED[id];
      if (!expected) {
        throw new Error(
          `scenario ${id} has no entry in EXPECTED (test/trace/trace.e2e.test.ts): trace its symptom by hand (netbreak start ${id} --seed 0, then netbreak trace … -o json) and write down what the trace must blame`,
        );
      }
      const start = await cli('start', id, '--lab', LAB, '--seed', '0', '--json');
      expect(start.code, start.stderr).toBe(0);
      try {
        const loaded = await loadScenario(path.join(ROOT, 'scenarios', id), { seed: 0 });
        await traceScenario(id, expected, start.json().symptom, parseDiagnosis(loaded.scenario.diagnosis.object));
      } finally {
        expect((await onLab('stop')).code).toBe(0);
        expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
      }
    });
  }
});

/** The symptom's trace before the fix (and Ctrl-C during a capture), then the reference fix and the same trace again. */
async function traceScenario(id: string, expected: Expected, symptom: { from: string; to: string }, diagnosis: Diagnosis): Promise<void> {
  const broken = await onLab('trace', '--from', symptom.from, '--to', symptom.to, '-o', 'json');
  expect(broken.code, broken.stderr).toBe(1);
  const trace = broken.json();
  const text = trace.hops.map((h: { text: string }) => h.text).join('\n');
  expect(trace.verdict, text).toMatch(expected.verdict instanceof RegExp ? expected.verdict : new RegExp(`^${expected.verdict}$`));
  expect(trace.blame, text).toEqual(expected.blame(diagnosis));
  // The failed hop that names the blamed object says why.
  const naming = trace.hops.filter((h: { status: string; object?: Blame }) => h.status === 'fail' && isDeepStrictEqual(h.object, trace.blame));
  expect(naming.length, text).toBeGreaterThan(0);
  expect(naming.map((h: { text: string }) => h.text).join('\n'), text).toMatch(expected.says);

  if (id === 'after-the-pentest') {
    // Ctrl-C while capturing: the CLI ends its tcpdumps and exits 130.
    const dir = path.join(stateDir, 'pcap-interrupted');
    const child = execa(
      process.execPath,
      [path.join(ROOT, 'bin/netbreak.js'), 'trace', '--lab', LAB, '--from', symptom.from, '--to', symptom.to, '--pcap', dir],
      { reject: false, env: { ...env, NO_COLOR: '1' } },
    );
    const until = Date.now() + 10_000;
    while ((await captures(dir)).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect((await captures(dir)).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(await captures(dir)).toEqual([]);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  }

  if (id === 'afternoon-deploy') {
    // debrief shows the same trace, labelled as the state before the fix
    const before = (await onLab('debrief', '--json')).json();
    expect(before.trace.when).toBe('before the fix');
    expect(before.trace.blame).toEqual(trace.blame);
  }

  expect((await onLab('solve')).code).toBe(0);
  const fixed = await onLab('trace', '--from', symptom.from, '--to', symptom.to, '-o', 'json');
  const after = fixed.json();
  expect(after.verdict, after.hops.map((h: { text: string }) => h.text).join('\n')).toBe('delivered');
  expect(fixed.code).toBe(0);
  expect(after.blame).toBeUndefined();
  const delivered = after.hops.at(-1);
  expect(delivered.step).toBe('delivered');
  if (symptom.to.startsWith('dns://')) expect(delivered.text).toMatch(/^resolved: /);
  else expect(delivered.text).toMatch(/^delivered to 10\.244\.\d+\.\d+:\d+ \(pod \S+\)(, answered by \S+)?$/);

  if (id === 'afternoon-deploy') {
    // Once check has seen the fix, debrief shows the symptom's trace as the state after it.
    expect((await onLab('check')).code).toBe(0);
    const debrief = (await onLab('debrief', '--json')).json();
    expect(debrief.trace.when).toBe('after the fix');
    expect(debrief.trace.verdict).toBe('delivered');
  }

  if (id === 'friday-merge') await handWrittenDrop(symptom);
}

/** A DROP typed on the api pods' nodes is reported as a rule nobody owns; the trace (with --pcap) leaves no trace. */
async function handWrittenDrop(symptom: { from: string; to: string }): Promise<void> {
  const namespace = symptom.from.split('/')[0]!;
  const pods: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string } }[] = (
    await onLab('get', 'pods', '-n', namespace, '-o', 'json')
  ).json().items;
  const api = pods.filter((p) => p.metadata.name.startsWith('api-'));
  expect(api.length).toBeGreaterThan(0);
  const rule = (p: (typeof api)[number], op: '-I' | '-D') =>
    cli('exec', '--lab', LAB, `node/${p.spec.nodeName}`, '--', 'iptables', op, 'FORWARD', '-d', p.status.podIP, '-j', 'DROP');
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
    expect(trace.hops.at(-1).text).toBe(
      `dropped on ${victim!.spec.nodeName} by a hand-written rule no Kubernetes object owns: -A FORWARD -d ${victim!.status.podIP}/32 -j DROP`,
    );

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
