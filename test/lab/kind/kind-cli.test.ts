import { afterEach, expect, it } from 'vitest';
import {
  createCluster,
  deleteCluster,
  getClusters,
  getKubeconfig,
  KIND_INSTALL_SENTENCE,
  kindVersion,
  parseKindVersion,
  versionAtLeast,
} from '../../../src/lab/kind/kind-cli.js';
import { CommandFailedError } from '../../../src/exec.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let fake: FakeTools | undefined;
afterEach(() => fake?.restore());

it('reads kind version lines and compares versions', () => {
  expect(parseKindVersion('kind v0.24.0 go1.22.6 linux/amd64')).toEqual([0, 24, 0]);
  expect(parseKindVersion('kind version 0.25.1')).toEqual([0, 25, 1]);
  expect(parseKindVersion('nothing here')).toBeUndefined();
  expect(versionAtLeast([0, 24, 0], [0, 24, 0])).toBe(true);
  expect(versionAtLeast([0, 23, 9], [0, 24, 0])).toBe(false);
  expect(versionAtLeast([1, 0, 0], [0, 24, 0])).toBe(true);
  expect(versionAtLeast([0, 24, 1], [0, 24, 0])).toBe(true);
});

it('says exactly what to install when kind is missing or too old', async () => {
  fake = useFakeTools({ tools: ['docker'] });
  expect(KIND_INSTALL_SENTENCE).toBe('install kind v0.24+ from https://kind.sigs.k8s.io/docs/user/quick-start/#installation');
  expect(await kindVersion()).toEqual({ ok: false, reason: `kind is not installed: ${KIND_INSTALL_SENTENCE}` });
  fake.restore();
  fake = useFakeTools({ state: { kindVersion: 'v0.23.0' } });
  expect(await kindVersion()).toEqual({ ok: false, reason: `kind v0.23.0 is too old (its kindnet does not enforce NetworkPolicy): ${KIND_INSTALL_SENTENCE}` });
  fake.setState({ kindVersion: 'v0.24.0' });
  expect(await kindVersion()).toEqual({ ok: true, version: 'v0.24.0' });
});

it('lists clusters, treating "No kind clusters found." as none, and returns none without kind', async () => {
  fake = useFakeTools();
  expect(await getClusters()).toEqual([]);
  fake.setState({ clusters: ['netbreak', 'other'] });
  expect(await getClusters()).toEqual(['netbreak', 'other']);
  fake.restore();
  fake = useFakeTools({ tools: [] });
  expect(await getClusters()).toEqual([]);
});

it('creates with netbreak own config and kubeconfig file, fetches and deletes by name', async () => {
  fake = useFakeTools({ state: { apiServer: 'http://127.0.0.1:1' } });
  const kubeconfig = `${fake.dir}/kc`;
  await createCluster('netbreak', new URL('../../../clusters/kind-default.yaml', import.meta.url).pathname, kubeconfig);
  expect(await getKubeconfig('netbreak')).toContain('server: http://127.0.0.1:1');
  await deleteCluster('netbreak', kubeconfig);
  await expect(getKubeconfig('netbreak')).rejects.toBeInstanceOf(CommandFailedError);
  expect(fake.calls()).toEqual([
    ['kind', 'create', 'cluster', '--name', 'netbreak', '--config', expect.stringMatching(/clusters\/kind-default\.yaml$/), '--kubeconfig', kubeconfig],
    ['kind', 'get', 'kubeconfig', '--name', 'netbreak'],
    ['kind', 'delete', 'cluster', '--name', 'netbreak', '--kubeconfig', kubeconfig],
    ['kind', 'get', 'kubeconfig', '--name', 'netbreak'],
  ]);
});

it('runs kind through podman with kind’s provider switch on the command line', async () => {
  fake = useFakeTools({ tools: ['kind', 'podman'] });
  // `env` is a system binary: give the fake PATH a way to find it.
  process.env.PATH = `${process.env.PATH}:/usr/bin:/bin`;
  expect(await getClusters('podman')).toEqual([]);
  expect(fake.calls()).toEqual([['kind', 'get', 'clusters']]);
});
