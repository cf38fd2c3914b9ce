// `netbreak images list|pull|load` as a user runs them (the built bin), with the
// fake docker/podman/kind on PATH and a scenario library whose kind scenario
// names two variants of an image.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { netbreak } from '../../helpers/cli.js';
import { tempScenario, type TempScenario } from '../../scenario/helpers.js';
import { FakeApiServer } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
/** trace --pcap's tcpdump on kind, also loaded into the nodes for `kubectl debug`. */
const NETSHOOT = 'docker.io/nicolaka/netshoot:v0.13';
const IMAGES = ['busybox:1.36', 'busybox:1.37', NETSHOOT, AGNHOST];

let api: FakeApiServer;
let fake: FakeTools;
let library: TempScenario;

async function setUp(tools?: string[], state: Record<string, unknown> = {}): Promise<void> {
  fake?.restore();
  fake = useFakeTools({ ...(tools ? { tools } : {}), state: { apiServer: api.url, ...state } });
}

const env = () => ({ ...fake.cliEnv(), NETBREAK_SCENARIOS: library.root });
const calls = (tool?: string) =>
  fake
    .calls()
    .filter((c) => !tool || c[0] === tool)
    .map((c) => c.join(' '));

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  library = await tempScenario((text) =>
    text
      .replace('backends: [netns, kind, kubeconfig]\n', 'backends: [netns, kind, kubeconfig]\nparams:\n  tag: {choose: ["1.36", "1.37"]}\n')
      .replace(
        'fix:\n  - apply: manifests/allow-dns.yaml\n',
        'fix:\n  - apply: manifests/allow-dns.yaml\n  - patch:\n      object: Deployment/shop/api\n      merge: {spec: {template: {spec: {initContainers: [{name: wait, image: "busybox:{{ params.tag }}"}]}}}}\n',
      ),
  );
  await setUp();
});
afterEach(async () => {
  fake.restore();
  await api.stop();
  await library.cleanup();
});

it('lists the probe image, the capture image and every image of every variant of the kind scenarios', async () => {
  const listed = await netbreak(['images', 'list', '--json'], env());
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.json()).toEqual({ images: IMAGES });
  expect((await netbreak(['images', 'list'], env())).stdout).toBe(IMAGES.join('\n'));
  // A scenario that does not run on kind needs no images there.
  fs.writeFileSync(library.file, fs.readFileSync(library.file, 'utf8').replace('backends: [netns, kind, kubeconfig]', 'backends: [netns]'));
  expect((await netbreak(['images', 'list', '--json'], env())).json()).toEqual({ images: [NETSHOOT, AGNHOST] });
});

it('pull: docker pull each image, in order; load: kind load docker-image all of them into netbreak’s cluster', async () => {
  fake.setState({ clusters: ['netbreak'] });
  const early = await netbreak(['images', 'load'], env());
  expect(early.code).toBe(3);
  expect(early.stderr).toBe(`netbreak: 4 image(s) are not on this machine yet (${IMAGES.join(', ')}): run "netbreak images pull" first.`);
  expect(calls('kind').filter((c) => c.includes(' load '))).toEqual([]);

  const pulled = await netbreak(['images', 'pull', '--json'], env());
  expect(pulled.code, pulled.stderr).toBe(0);
  expect(pulled.json()).toEqual({ engine: 'docker', pulled: IMAGES });
  expect(calls('docker').filter((c) => !c.startsWith('docker info') && !c.startsWith('docker image'))).toEqual(IMAGES.map((i) => `docker pull ${i}`));

  const before = fake.calls().length;
  const loaded = await netbreak(['images', 'load', '--json'], env());
  expect(loaded.code, loaded.stderr).toBe(0);
  expect(loaded.json()).toEqual({ cluster: 'netbreak', loaded: IMAGES });
  expect(
    fake
      .calls()
      .slice(before)
      .map((c) => c.join(' ')),
  ).toEqual([
    'docker info --format {{.ServerVersion}}',
    // Which cluster: the only one netbreak created (its nodes carry netbreak's label) …
    'docker info --format {{.ServerVersion}}',
    'kind get clusters',
    'kind get kubeconfig --name netbreak',
    // … checked again as every cluster --lab names is.
    'kind get clusters',
    'kind get kubeconfig --name netbreak',
    ...IMAGES.map((i) => `docker image inspect --format {{.Id}} ${i}`),
    `kind load docker-image ${IMAGES.join(' ')} --name netbreak`,
  ]);
  expect(fake.state().loaded).toEqual({ netbreak: IMAGES });
});

it('load goes only into a kind cluster netbreak created, and says what to do when there is none', async () => {
  fake.setState({ images: IMAGES });
  const none = await netbreak(['images', 'load'], env());
  expect(none.code).toBe(4);
  expect(none.stderr).toBe('netbreak: there is no kind cluster that netbreak created on this machine: make one with "netbreak lab up --backend kind".');
  const absent = await netbreak(['images', 'load', '--lab', 'other'], env());
  expect(absent.code).toBe(4);
  expect(absent.stderr).toBe('netbreak: there is no kind cluster "other": make it with "netbreak lab up --backend kind --name other", then load the images.');

  const theirs = await new FakeApiServer().start();
  theirs.seedCluster('mine', { netbreakLabel: false });
  fake.setState({ clusters: ['mine'], apiServers: { mine: theirs.url } });
  const refused = await netbreak(['images', 'load', '--lab', 'mine'], env());
  expect(refused.code).toBe(3);
  expect(refused.stderr).toMatch(/^netbreak: the kind cluster "mine" was not created by netbreak, so netbreak will not change it/);
  expect(calls('kind').filter((c) => c.includes(' load '))).toEqual([]);
  expect(fake.state().loaded).toBeUndefined();
  await theirs.stop();
});

it('with podman: podman pull, then an archive that kind loads (its docker-image loader needs the docker CLI)', async () => {
  await setUp(['kind', 'podman', 'kubectl'], { podman: 'up', clusters: ['netbreak'] });
  expect((await netbreak(['images', 'pull'], env())).code).toBe(0);
  expect(calls('podman').filter((c) => c.startsWith('podman pull'))).toEqual(IMAGES.map((i) => `podman pull ${i}`));
  const loaded = await netbreak(['images', 'load'], env());
  expect(loaded.code, loaded.stderr).toBe(0);
  const save = fake.calls().find((c) => c[0] === 'podman' && c[1] === 'save')!;
  expect(save.slice(0, 4)).toEqual(['podman', 'save', '--multi-image-archive', '-o']);
  expect(save.slice(5)).toEqual(IMAGES);
  // `env KIND_EXPERIMENTAL_PROVIDER=podman kind …`: the fake kind sees the command after env.
  expect(calls('kind').at(-1)).toBe(`kind load image-archive ${save[4]} --name netbreak`);
  expect(fs.existsSync(save[4]!)).toBe(false);
  expect(fake.state().loaded).toEqual({ netbreak: IMAGES });
});

it('says what is wrong when there is no container engine or a pull fails', async () => {
  await setUp(['kind', 'kubectl']);
  for (const verb of ['pull', 'load']) {
    const r = await netbreak(['images', verb], env());
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('netbreak: neither docker nor podman is installed: install Docker (https://docs.docker.com/engine/install/) or podman.');
  }
  await setUp(undefined, { unpullable: ['busybox:1.37'] });
  const failed = await netbreak(['images', 'pull'], env());
  expect(failed.code).toBe(3);
  expect(failed.stderr.split('\n').at(-1)).toBe(
    'netbreak: docker could not pull busybox:1.37 (Error response from daemon: pull access denied for busybox:1.37, repository does not exist or may require \'docker login\'): check this machine\'s network, or pull it where there is one and bring it over with "docker save" and "docker load".',
  );
  expect(calls('docker').filter((c) => c.startsWith('docker pull'))).toEqual(['docker pull busybox:1.36', 'docker pull busybox:1.37']);
});
