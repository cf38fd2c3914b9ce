// The CLI's --backend wiring, run as a user would (the built bin), with the fake
// kind/docker/kubectl on PATH and a fake API server standing in for the cluster.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { netbreak } from '../../helpers/cli.js';
import { FakeApiServer, kubeconfigText } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
let env: Record<string, string>;

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  fake = useFakeTools({ state: { apiServer: api.url } });
  env = { ...fake.cliEnv(), KUBECONFIG: path.join(fake.dir, 'kubeconfig') };
  fs.writeFileSync(env.KUBECONFIG!, kubeconfigText(api.url, ['workshop']));
});
afterEach(async () => {
  fake.restore();
  await api.stop();
});

it('doctor reports every backend and what auto picks; --backend narrows it', async () => {
  const all = await netbreak(['doctor', '--json'], env);
  expect(all.code, all.stderr).toBe(0);
  const report = all.json();
  expect(report.backends.map((b: { backend: string }) => b.backend)).toEqual(['netns', 'kind', 'kubeconfig']);
  expect(report.backends[1]).toEqual({ backend: 'kind', ok: true, detail: 'kind v0.24.0, docker 27.1.1' });
  expect(report.backends[2]).toMatchObject({ backend: 'kubeconfig', ok: true });
  expect(report.auto).toBe('kind');
  expect(report.kindClusters).toEqual([]);
  fake.setState({ docker: 'down' });
  const kind = await netbreak(['doctor', '--backend', 'kind'], env);
  expect(kind.stdout).toMatch(/✗ kind\s+docker is installed but its engine is not running/);
  expect(kind.stdout).not.toMatch(/netns/);
});

it('start refuses a backend the scenario does not declare, and kubeconfig flags without that backend', async () => {
  const kind = await netbreak(['start', 'friday-release', '--backend', 'kind'], env);
  expect(kind.code).toBe(2);
  expect(kind.stderr).toMatch(
    /^netbreak: scenario friday-release does not run on the kind backend \(agnhost's netexec answers every path it does not know with 200 .*\): it runs on netns, or pick another with "netbreak list"\.$/,
  );
  const flags = await netbreak(['start', 'afternoon-deploy', '--context', 'workshop'], env);
  expect(flags.code).toBe(2);
  expect(flags.stderr).toBe('netbreak: --context, --kubeconfig and --learner are for the kubeconfig backend: add --backend kubeconfig.');
  const bad = await netbreak(['start', 'afternoon-deploy', '--backend', 'docker'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/Allowed choices are auto, netns, kind, kubeconfig/);
  expect(fake.calls().filter((c) => c[0] === 'kind' && c[1] !== 'version' && !(c[1] === 'get' && c[2] === 'clusters'))).toEqual([]);
});

it('clean deletes a kind cluster netbreak made only with a yes, and never one it did not make', async () => {
  // "mine" is someone's own kind cluster: its nodes lack netbreak's label.
  const theirs = await new FakeApiServer().start();
  theirs.seedCluster('mine', { netbreakLabel: false });
  fake.setState({ clusters: ['netbreak', 'mine'], apiServers: { mine: theirs.url } });
  const ask = await netbreak(['clean'], env);
  expect(ask.code).toBe(2);
  expect(ask.stderr).toBe('netbreak: deleting kind cluster netbreak needs a yes: run again with --yes.');
  expect(fake.state().clusters).toEqual(['netbreak', 'mine']);
  const yes = await netbreak(['clean', '--yes', '--json'], env);
  expect(yes.code, yes.stderr).toBe(0);
  expect(yes.json().removed).toContainEqual({ lab: 'netbreak', removed: ['kind cluster netbreak', path.join(fake.stateDir, 'labs', 'netbreak')] });
  expect(fake.state().clusters).toEqual(['mine']);
  expect(theirs.calls()).toEqual([]);
  await theirs.stop();
});
