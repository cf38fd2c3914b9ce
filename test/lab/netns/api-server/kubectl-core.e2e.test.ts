// kubectl on a real netns lab: `netbreak kubeconfig` gives the path, the API answers on
// the host's loopback from inside the lab, changes made with kubectl reach the lab's
// controllers and data plane, and the kubeconfig goes when the lab goes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { netbreak } from '../../../helpers/cli.js';
import { gate, labGate } from '../../../helpers/lab-gate.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const labTests = hasKubectl ? labGate() : gate('kubectl is not installed: install kubectl 1.32 to run the lab API server tests');

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-kubectl-core-'));
const LAB = 'e2e-core';
const env = { NETBREAK_STATE_DIR: stateDir };
const cli = (...args: string[]) => netbreak(args, env);
let kubeconfig = '';
let apiPort = 0;

/** The host's listening TCP sockets on a port, as "address:port" in /proc/net/tcp's hex (IPv4) and tcp6 (IPv6). */
function listenersOnPort(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const rows = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => fs.readFileSync(f, 'utf8').trim().split('\n').slice(1));
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((cols) => cols[3] === '0A' && cols[1]!.endsWith(`:${hexPort}`))
    .map((cols) => cols[1]!);
}

async function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('kubectl', args, { reject: false, env: { KUBECONFIG: kubeconfig, HOME: stateDir }, timeout: 60_000, input });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: kc}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: kc}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
      - name: echo
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        ports: [{containerPort: 8080}]
`;

describe.skipIf(labTests.skip)(labTests.title('kubectl on a netns lab through netbreak kubeconfig'), () => {
  beforeAll(async () => {
    const up = await cli('lab', 'up', '--name', LAB);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`kubectl is ready: export KUBECONFIG=$(netbreak kubeconfig --lab ${LAB})`);
  }, 120_000);
  afterAll(async () => {
    await cli('lab', 'down', '--name', LAB);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('netbreak kubeconfig prints a private kubeconfig for the lab API on the host loopback', async () => {
    const printed = await cli('kubeconfig', '--lab', LAB);
    expect(printed.code, printed.stderr).toBe(0);
    kubeconfig = printed.stdout.trim();
    expect(kubeconfig).toBe(path.join(stateDir, 'labs', LAB, 'kubeconfig'));
    expect(fs.statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const config = parse(fs.readFileSync(kubeconfig, 'utf8'));
    expect(config['current-context']).toBe(`netbreak-${LAB}`);
    expect(config.clusters[0].cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    apiPort = Number(new URL(config.clusters[0].cluster.server).port);
  });

  it("listens on the host's loopback only: no other address of the host has the API's port open", () => {
    // 0100007F is 127.0.0.1 as /proc/net/tcp writes it (little-endian hex).
    expect(listenersOnPort(apiPort)).toEqual([`0100007F:${apiPort.toString(16).toUpperCase().padStart(4, '0')}`]);
  });

  it('kubectl reads the lab: nodes, system pods, version', async () => {
    const nodes = await kubectl(['get', 'nodes', '-o', 'name']);
    expect(nodes.stdout.split('\n')).toEqual(['node/control-plane', 'node/worker', 'node/worker2']);
    const pods = await kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'name']);
    expect(pods.stdout.split('\n')).toHaveLength(2);
    expect((await kubectl(['version'])).stdout).toMatch(/Server Version: v1\.32/);
  });

  it('a Deployment applied with kubectl runs: kubectl wait sees its pods Ready, netbreak sees them too', async () => {
    const apply = await kubectl(['apply', '-f', '-'], APP);
    expect(apply.code, apply.stderr).toBe(0);
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=echo', '-n', 'kc', '--timeout=60s']);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout.split('\n')).toHaveLength(2);
    const seen = await cli('get', 'pods', '-n', 'kc', '--lab', LAB);
    expect(seen.stdout).toMatch(/echo-\S+\s+1\/1\s+Running/);
    const onNode = await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=control-plane', '-o', 'name']);
    expect(onNode.stdout).not.toContain('echo-');
  }, 90_000);

  it('deleting the Namespace with kubectl removes its objects', async () => {
    const deleted = await kubectl(['delete', 'namespace', 'kc', '--timeout=30s']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('namespace "kc" deleted');
    const left = await kubectl(['get', 'deploy,pods', '-n', 'kc', '-o', 'name']);
    expect(left.stdout).toBe('');
  }, 60_000);

  it('the kubeconfig goes with the lab, and netbreak kubeconfig then says no lab runs (exit 4)', async () => {
    const down = await cli('lab', 'down', '--name', LAB);
    expect(down.code, down.stderr).toBe(0);
    expect(fs.existsSync(kubeconfig)).toBe(false);
    expect(listenersOnPort(apiPort)).toEqual([]);
    const after = await cli('kubeconfig');
    expect(after.code).toBe(4);
    expect(after.stderr).toContain('no lab is running');
  });
});
