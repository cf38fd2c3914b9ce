// A kube-proxy scenario whose variant runs kube-proxy in nftables mode, end to end
// through the real CLI: the stale rules show in `table ip kube-proxy` (and nowhere in
// iptables), trace blames the missing kube-proxy from the table's counters, and the
// reference fix passes check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.js';
import { netbreak, ROOT } from '../helpers/cli.js';
import { hostNamespacesOf, hostNetworkState, labProcessesRunning } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate(['nft']);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-nftmode-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-nftmode';
const cli = (...args: string[]) => netbreak(args, env);
const SCENARIO = 'frontend-waits';

/** The first seed whose variant of `id` runs kube-proxy in nftables mode. */
async function nftablesSeed(id = SCENARIO): Promise<{ seed: number; params: Record<string, string | number> }> {
  for (let seed = 1; seed < 200; seed++) {
    const loaded = await loadScenario(path.join(ROOT, 'scenarios', id), { seed });
    if (loaded.scenario.cluster?.kubeProxyMode === 'nftables') return { seed, params: { ...loaded.params } };
  }
  throw new Error(`no seed below 200 draws nftables mode for ${id}`);
}

describe.skipIf(labTests.skip)(labTests.title(`${SCENARIO} with kube-proxy in nftables mode`), () => {
  let before: Record<string, string>;
  let params: Record<string, string | number>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
    const drawn = await nftablesSeed();
    params = drawn.params;
    const start = await cli('start', SCENARIO, '--lab', LAB, '--seed', String(drawn.seed), '--json');
    expect(start.code, start.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await cli('stop', '--lab', LAB);
    expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
    expect(await hostNamespacesOf(LAB)).toEqual([]);
    expect(await hostNetworkState(LAB)).toEqual(before);
  });

  it('shows the fault: check fails, and the frontend node still DNATs in its nftables table', async () => {
    expect((await cli('status', '--lab', LAB, '--json')).json().kubeProxyMode).toBe('nftables');
    const broken = await cli('check', '--lab', LAB, '--json');
    expect(broken.code).toBe(1);
    const node = String(params['nodes.frontend']);
    const table = await cli('exec', `node/${node}`, '--lab', LAB, '--', 'nft', 'list', 'table', 'ip', 'kube-proxy');
    expect(table.stdout).toMatch(new RegExp(`chain endpoint-[A-Z2-7]{8}-${params.namespace}/api/tcp/http__10\\.244\\.\\d+\\.\\d+/${params.port} \\{`));
    const iptables = await cli('exec', `node/${node}`, '--lab', LAB, '--', 'iptables-save');
    expect(iptables.stdout).not.toMatch(/KUBE-SVC|KUBE-SEP/);
  });

  it("trace names the missing kube-proxy from the table's counters", async () => {
    const ns = String(params.namespace);
    const trace = await cli('trace', '--from', `${ns}/frontend`, '--to', `http://api.${ns}.svc.cluster.local:${params.port}/`, '--lab', LAB, '-o', 'json');
    const report = trace.json();
    expect(report.blame).toMatchObject({ kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' });
    const stale = report.hops.find((h: { step: string; status: string }) => h.step === 'dnat' && h.status === 'fail');
    expect(stale.text).toMatch(new RegExp(`^endpoint-[A-Z2-7]{8}-${ns}/api/tcp/http__\\S+ dnat to 10\\.244\\.\\d+\\.\\d+:${params.port}: a stale rule`));
    expect(stale.rule.table).toBe('ip kube-proxy');
  });

  it('the reference fix passes check', async () => {
    expect((await cli('solve', '--lab', LAB)).code).toBe(0);
    const fixed = await cli('check', '--lab', LAB, '--json');
    expect(fixed.json().items.filter((i: { pass: boolean }) => !i.pass)).toEqual([]);
    expect(fixed.code).toBe(0);
  });
});

// The other kube-proxy scenario whose variant draws the mode: its faults show and its reference fix passes there too.
describe.skipIf(labTests.skip)(labTests.title('fridays-two-changes with kube-proxy in nftables mode'), () => {
  const lab = 'e2e-nftmode2';
  afterAll(async () => {
    await cli('stop', '--lab', lab);
    expect(labProcessesRunning(stateDir, lab)).toEqual([]);
    expect(await hostNamespacesOf(lab)).toEqual([]);
  });

  it('fault visible, reference fix passes', async () => {
    const { seed } = await nftablesSeed('fridays-two-changes');
    const start = await cli('start', 'fridays-two-changes', '--lab', lab, '--seed', String(seed), '--json');
    expect(start.code, start.stderr).toBe(0);
    expect((await cli('status', '--lab', lab, '--json')).json().kubeProxyMode).toBe('nftables');
    expect((await cli('check', '--lab', lab, '--json')).code).toBe(1);
    expect((await cli('solve', '--lab', lab)).code).toBe(0);
    const fixed = await cli('check', '--lab', lab, '--json');
    expect(fixed.json().items.filter((i: { pass: boolean }) => !i.pass)).toEqual([]);
  }, 180_000);
});

afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));
