// Concurrency: CLI invocations racing on one lab never corrupt its session, and
// two labs side by side (started at the same moment) do not touch each other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netbreak, type CliResult } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { hostNamespacesOf, labProcessesRunning } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate();

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-rel-conc-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const A = 'rel-c-a';
const B = 'rel-c-b';
// --lab right after the command word: for exec, everything after -- belongs to the command run in the lab.
const on = (lab: string, command: string, ...args: string[]) => netbreak([command, '--lab', lab, ...args], env);
const sessionText = (lab: string) => fs.readFileSync(path.join(stateDir, 'labs', lab, 'session.json'), 'utf8');
const verdict = (r: CliResult) => r.json().items.map((i: { kind: string; pass: boolean; detail: string }) => `${i.kind}:${i.pass}:${i.detail.split(':')[0]}`);
/** A node's rules without packet counters: what the lab's data plane enforces. */
const rules = async (lab: string) =>
  (await on(lab, 'exec', 'node/worker', '--', 'iptables-save')).stdout
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');

describe.skipIf(labTests.skip)(labTests.title('concurrent commands and side-by-side labs'), { timeout: 90_000 }, () => {
  guardHost('rel-c');
  afterAll(async () => {
    for (const lab of [A, B]) await netbreak(['lab', 'down', '--name', lab], env);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  const ns: Record<string, string> = {};

  it('two labs start at the same moment; a command without --lab asks which', async () => {
    const [a, b] = await Promise.all([on(A, 'start', 'friday-merge', '--seed', '11', '--json'), on(B, 'start', 'afternoon-deploy', '--seed', '22', '--json')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    ns[A] = a.json().params?.namespace ?? 'shop';
    ns[B] = b.json().params?.namespace ?? 'shop';
    const unnamed = await netbreak(['check'], env);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/several labs are running \(rel-c-a, rel-c-b\): say which with --lab NAME/);
  });

  it('10 parallel hint/check/apply on one lab: the session stays whole, every count is exact, the other lab is untouched', async () => {
    const otherBefore = sessionText(B);
    const files = [1, 2].map((i) => {
      const file = path.join(stateDir, `cm-${i}.yaml`);
      fs.writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra-${i}, namespace: ${ns[A]}}\ndata: {n: "${i}"}\n`);
      return file;
    });
    const runs = [
      ...Array.from({ length: 3 }, () => ['hint', '--json']),
      ...Array.from({ length: 5 }, () => ['check', '--json']),
      ...files.map((f) => ['apply', '-f', f]),
    ];
    const results = await Promise.all(runs.map(([command, ...args]) => on(A, command!, ...args)));
    for (const [i, r] of results.entries()) expect(r.stderr, runs[i]!.join(' ')).toBe('');
    const hints = results.slice(0, 3);
    const checks = results.slice(3, 8);
    expect(hints.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(hints.map((r) => r.json().number).sort()).toEqual([1, 2, 3]);
    expect(checks.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(checks.map((r) => JSON.stringify(verdict(r)))).size).toBe(1);
    expect(results.slice(8).map((r) => r.code)).toEqual([0, 0]);

    const session = JSON.parse(sessionText(A));
    expect(session.hintsUsed).toBe(3);
    expect(session.checks).toHaveLength(5);
    expect(session.status).toBe('running');
    expect(fs.readdirSync(path.join(stateDir, 'labs', A)).filter((f) => /\.(lock|tmp)|stale/.test(f))).toEqual([]);
    for (const i of [1, 2]) expect((await on(A, 'get', 'cm', `extra-${i}`, '-n', ns[A]!, '-o', 'json')).json().data).toEqual({ n: String(i) });
    expect(sessionText(B)).toBe(otherBefore);
  });

  it("breaking one lab further leaves the other lab's verdict and rules as they were", async () => {
    expect((await on(B, 'solve')).code).toBe(0);
    const fixed = await on(B, 'check', '--json');
    expect(fixed.code).toBe(0);
    const bRules = await rules(B);
    const aBefore = verdict(await on(A, 'check', '--json'));

    // Break lab A at the object layer and at a node (a rule typed inside A's node namespace).
    expect((await on(A, 'delete', 'svc/api', '-n', ns[A]!)).code).toBe(0);
    expect((await on(A, 'exec', 'node/worker', '--', 'iptables', '-I', 'FORWARD', '-j', 'DROP')).code).toBe(0);
    const aAfter = await on(A, 'check', '--json');
    expect(aAfter.code).toBe(1);
    expect(verdict(aAfter)).not.toEqual(aBefore);

    expect(verdict(await on(B, 'check', '--json'))).toEqual(verdict(fixed));
    expect(await rules(B)).toBe(bRules);
    expect(await rules(A)).not.toBe(bRules);
  });

  it('clean with another state folder sees neither lab and leaves both running', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-rel-conc-other-'));
    try {
      const clean = await netbreak(['clean', '--json'], { NETBREAK_STATE_DIR: elsewhere });
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.json().removed.map((r: { lab: string }) => r.lab)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    for (const lab of [A, B]) expect((await on(lab, 'exec', 'node/worker', '--', 'true')).code).toBe(0);
  });

  it('stopping one lab leaves the other running', async () => {
    expect((await on(A, 'stop')).code).toBe(0);
    expect(labProcessesRunning(stateDir, A)).toEqual([]);
    expect(await hostNamespacesOf(A)).toEqual([]);
    expect((await on(B, 'check')).code).toBe(0);
    expect((await netbreak(['status', '--json'], env)).json().lab).toBe(B);
    expect((await on(B, 'stop')).code).toBe(0);
    expect(labProcessesRunning(stateDir, B)).toEqual([]);
    expect(await hostNamespacesOf(B)).toEqual([]);
    expect(fs.readdirSync(path.join(stateDir, 'labs'))).toEqual([]);
  });
});
