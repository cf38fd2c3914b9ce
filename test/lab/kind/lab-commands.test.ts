// `netbreak lab up|down --backend kind` as a user runs them (the built bin),
// with the fake kind/docker/kubectl on PATH and a fake API server as the cluster.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROOT, netbreak } from '../../helpers/cli.js';
import { asOrdinaryUser, isRoot, ORDINARY_USER } from '../../helpers/root.js';
import { FakeApiServer } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
let env: Record<string, string>;

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  fake = useFakeTools({ state: { apiServer: api.url } });
  env = fake.cliEnv();
});
afterEach(async () => {
  fake.restore();
  await api.stop();
});

const creates = () => fake.calls().filter((c) => c[0] === 'kind' && c[1] === 'create');
const labDir = path.join('labs', 'netbreak');

it('lab up --backend kind creates the cluster, or reuses the one netbreak made; lab down deletes it after a yes', async () => {
  const up = await netbreak(['lab', 'up', '--backend', 'kind', '--json'], env);
  expect(up.code, up.stderr).toBe(0);
  const kubeconfig = path.join(fake.stateDir, labDir, 'kubeconfig');
  expect(up.json()).toEqual({
    lab: 'netbreak',
    backend: 'kind',
    nodes: ['control-plane', 'worker', 'worker2'],
    cluster: 'netbreak',
    kubeconfig,
    context: 'kind-netbreak',
    kubeProxyMode: 'iptables',
  });
  expect(creates()).toHaveLength(1);
  const text = await netbreak(['get', 'nodes'], env);
  expect(text.stdout).toMatch(/^NAME\s.*\ncontrol-plane\s.*\nworker\s.*\nworker2\s/);

  // stop ends the sandbox and keeps the cluster; the next lab up reuses it.
  expect((await netbreak(['stop'], env)).code).toBe(0);
  expect(fake.state().clusters).toEqual(['netbreak']);
  const again = await netbreak(['lab', 'up', '--backend', 'kind'], env);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toBe(
    `Lab "netbreak" is up on kind cluster netbreak: nodes control-plane, worker, worker2.\nTry: netbreak apply --lab netbreak -f app.yaml; netbreak get pods -A -o wide; kubectl --kubeconfig ${kubeconfig} --context kind-netbreak get nodes`,
  );
  expect(creates()).toHaveLength(1);

  const ask = await netbreak(['lab', 'down'], env);
  expect(ask.code).toBe(2);
  expect(ask.stderr).toBe('netbreak: deleting kind cluster netbreak needs a yes: run again with --yes.');
  expect(fake.state().clusters).toEqual(['netbreak']);
  const down = await netbreak(['lab', 'down', '--yes'], env);
  expect(down.code, down.stderr).toBe(0);
  expect(down.stdout).toBe(`Lab "netbreak" removed (2 item(s)).\n  - kind cluster netbreak\n  - ${path.join(fake.stateDir, labDir)}`);
  expect(fake.state().clusters).toEqual([]);
});

it('lab down --backend kind deletes a cluster netbreak made after its lab is gone, and never one it did not make', async () => {
  const theirs = await new FakeApiServer().start();
  theirs.seedCluster('mine', { netbreakLabel: false });
  fake.setState({ clusters: ['netbreak', 'mine'], apiServers: { mine: theirs.url } });
  const refused = await netbreak(['lab', 'down', '--backend', 'kind', '--name', 'mine', '--yes'], env);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toBe('netbreak: there is no kind cluster "mine" that netbreak created ("netbreak doctor" lists them).');
  const down = await netbreak(['lab', 'down', '--backend', 'kind', '--yes', '--json'], env);
  expect(down.code, down.stderr).toBe(0);
  expect(down.json()).toEqual({ lab: 'netbreak', removed: ['kind cluster netbreak', path.join(fake.stateDir, labDir)] });
  expect(fake.state().clusters).toEqual(['mine']);
  expect(theirs.calls()).toEqual([]);
  await theirs.stop();
  const nothing = await netbreak(['lab', 'down', '--backend', 'kind', '--yes'], env);
  expect(nothing.code).toBe(4);
  expect(nothing.stderr).toBe('netbreak: there is no kind cluster that netbreak created on this machine: make one with "netbreak lab up --backend kind".');
});

it('refuses flags that do not fit the backend', async () => {
  const nodes = await netbreak(['lab', 'up', '--backend', 'kind', '--nodes', '3'], env);
  expect(nodes.code).toBe(2);
  expect(nodes.stderr).toBe('netbreak: --nodes is for the netns lab: a kind lab has the two workers of clusters/kind-default.yaml.');
  expect(fake.calls()).toEqual([]);
  expect((await netbreak(['lab', 'up', '--backend', 'kubeconfig'], env)).stderr).toMatch(/Allowed choices are netns, kind/);
});

it('keeps a user’s kind labs in their own state folder, without NETBREAK_STATE_DIR', async () => {
  const home = path.join(fake.dir, 'home');
  fs.mkdirSync(home);
  // The fake tools' folder is the test's (0700): let the user run the tools and write their state and call log.
  fs.chmodSync(fake.dir, 0o777);
  for (const f of ['state.json', 'calls.jsonl']) fs.chmodSync(path.join(fake.dir, f), 0o666);
  if (isRoot) fs.chownSync(home, ORDINARY_USER, ORDINARY_USER);
  const { NETBREAK_STATE_DIR: _, ...userEnv } = env;
  const cli = [process.execPath, path.join(ROOT, 'bin/netbreak.js')];
  const run = (args: string[]) => {
    const [cmd, ...rest] = isRoot ? asOrdinaryUser([...cli, ...args]) : [...cli, ...args];
    return execa(cmd!, rest, { reject: false, env: { ...userEnv, NO_COLOR: '1', NETBREAK_DATA_DIR: path.join(home, 'data') }, extendEnv: false });
  };
  const up = await run(['lab', 'up', '--backend', 'kind', '--json']);
  expect(up.exitCode, up.stderr).toBe(0);
  const dir = path.join(home, '.local', 'state', 'netbreak', 'labs', 'netbreak');
  expect(JSON.parse(up.stdout).kubeconfig).toBe(path.join(dir, 'kubeconfig'));
  expect(fs.existsSync(path.join(dir, 'lab.json'))).toBe(true);
  const down = await run(['lab', 'down', '--yes']);
  expect(down.exitCode, down.stderr).toBe(0);
  expect(fs.existsSync(dir)).toBe(false);
});
