// A sandbox lab with kube-proxy in nftables mode, from the user's side: Services answer
// through `table ip kube-proxy`, iptables holds no Service rules, and the mode shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../../../helpers/cli.js';
import { hostNetworkState } from '../../../helpers/host-state.js';
import { labGate } from '../../../helpers/lab-gate.js';

const labTests = labGate(['nft']);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-nft-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-nft';
/** A command on this lab: `--lab` goes before a `--`, which hands the rest to the tool run in the node. */
function cli(...args: string[]) {
  const at = args.includes('--') ? args.indexOf('--') : args.length;
  return netbreak([...args.slice(0, at), '--lab', LAB, ...args.slice(at)], env);
}

describe.skipIf(labTests.skip)(labTests.title('kube-proxy in nftables mode'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
    const up = await netbreak(['lab', 'up', '--name', LAB, '--proxy-mode', 'nftables'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/kube-proxy in nftables mode/);
    const apply = await cli('apply', '-f', path.join(ROOT, 'test/fixtures/nftables/app.yaml'));
    expect(apply.code, apply.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await netbreak(['lab', 'down', '--name', LAB], env);
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers a ClusterIP Service through the nft rules', async () => {
    const probe = await cli('probe', '--from', 'shop/client', '--to', 'http://web.shop.svc.cluster.local/', '-o', 'json');
    expect(probe.code, probe.stdout + probe.stderr).toBe(0);
    expect(probe.json().answeredBy).toMatch(/^web-/);
    // The probe went through worker2's kube-proxy table: its endpoint chains counted it.
    const table = await cli('exec', 'node/worker2', '--', 'nft', 'list', 'table', 'ip', 'kube-proxy');
    expect(table.stdout).toMatch(/chain service-[A-Z2-7]{8}-shop\/web\/tcp\/http \{/);
    expect(table.stdout).toMatch(/numgen random mod 2 vmap \{ 0 : goto endpoint-[A-Z2-7]{8}-shop\/web\/tcp\/http__10\.244\.1\.\d+\/8080, 1 : goto endpoint-/);
    expect(table.stdout).toMatch(/meta l4proto tcp counter packets [1-9]\d* bytes \d+ dnat to 10\.244\.1\.\d+:8080/);
  });

  it("answers on a NodePort of the node's own address", async () => {
    const probe = await cli('probe', '--from', 'shop/client', '--to', 'http://172.18.0.3:30080/', '-o', 'json');
    expect(probe.code, probe.stdout + probe.stderr).toBe(0);
    expect(probe.json().answeredBy).toMatch(/^web-/);
  });

  it('rejects a Service without endpoints (connection refused, not a timeout)', async () => {
    const probe = await cli('probe', '--from', 'shop/client', '--to', 'http://nobody.shop.svc.cluster.local/', '-o', 'json');
    expect(probe.code).not.toBe(0);
    expect(probe.json().outcome).toBe('refused');
    const ruleset = await cli('exec', 'node/worker2', '--', 'nft', 'list', 'ruleset');
    expect(ruleset.stdout).toMatch(/\d+\.\d+\.\d+\.\d+ \. tcp \. 80 comment "shop\/nobody:http" : goto reject-chain/);
  });

  it('leaves iptables without any Service rule', async () => {
    const save = await cli('exec', 'node/worker2', '--', 'iptables-save');
    expect(save.code).toBe(0);
    expect(save.stdout).not.toMatch(/KUBE-SVC|KUBE-SEP|KUBE-SERVICES/);
  });

  it('shows the mode in status and get nodes -o wide', async () => {
    const status = await cli('status', '--json');
    expect(status.json().kubeProxyMode).toBe('nftables');
    const nodes = await cli('get', 'nodes', '-o', 'wide');
    expect(nodes.stdout.split('\n')[0]).toMatch(/KUBE-PROXY$/);
    expect(nodes.stdout).toMatch(/^worker2\s.*\snftables$/m);
  });
});
