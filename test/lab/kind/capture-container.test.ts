// What a killed `trace --pcap` on kind can leave behind: capture containers
// whose netbreak process is gone. `netbreak doctor` lists them and `netbreak
// clean` removes them, by netbreak's name and labels, and nothing else: not a
// capture of a trace still running, not a container someone named alike, not
// one carrying only netbreak's created-by label. The built CLI, the fake docker.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { netbreak } from '../../helpers/cli.js';
import { useFakeTools, type FakeContainer, type FakeTools } from './fake-tools.js';

let fake: FakeTools;

/** No process has this pid (it is above the kernel's pid_max). */
const GONE = 999_999_999;
const capture = (name: string, ownerPid: number, node = 'netbreak-worker2'): FakeContainer => ({
  name,
  image: 'docker.io/nicolaka/netshoot:v0.13',
  network: `container:${node}`,
  running: true,
  labels: { 'netbreak.dev/created-by': 'netbreak', 'netbreak.dev/lab': 'netbreak', 'netbreak.dev/capture': node, 'netbreak.dev/owner-pid': String(ownerPid) },
});
const LEFT = capture('netbreak-capture-netbreak-0a1b2c', GONE);
const LEFT_ON_WORKER = capture('netbreak-capture-netbreak-3d4e5f', GONE, 'netbreak-worker');
/** A trace that is running now: this test process stands for its netbreak. */
const RUNNING = capture('netbreak-capture-netbreak-6a7b8c', process.pid);
const OTHERS: FakeContainer[] = [
  { name: 'netbreak-capture-mine', image: 'docker.io/nicolaka/netshoot:v0.13', running: true, labels: {} },
  { name: 'netbreak-capture-netbreak-9d9d9d', image: 'busybox:1.36', running: false, labels: { 'netbreak.dev/created-by': 'netbreak' } },
  { name: 'registry', image: 'registry:2', running: true, labels: { 'netbreak.dev/lab': 'netbreak' } },
];

beforeEach(() => {
  fake = useFakeTools({ state: { clusters: [] } });
  fake.addContainers([LEFT, RUNNING, LEFT_ON_WORKER, ...OTHERS]);
});
afterEach(() => fake.restore());

it('doctor lists the capture containers whose trace is gone, and changes nothing', async () => {
  const json = await netbreak(['doctor', '--json'], fake.cliEnv());
  expect(json.code, json.stderr).toBe(0);
  expect(json.json().captureContainers).toEqual([
    { name: LEFT.name, lab: 'netbreak', node: 'netbreak-worker2' },
    { name: LEFT_ON_WORKER.name, lab: 'netbreak', node: 'netbreak-worker' },
  ]);
  const text = await netbreak(['doctor'], fake.cliEnv());
  expect(text.stdout).toContain(`  netbreak: capture container ${LEFT.name} on netbreak-worker2, left by a trace that is gone (netbreak clean removes it)`);
  expect(text.stdout).not.toContain(RUNNING.name);
  expect(fake.containers()).toHaveLength(6);
  expect(fake.calls().filter((c) => c[0] === 'docker' && c[1] === 'rm')).toEqual([]);
});

it('clean removes them by name and says so; every other container stays', async () => {
  const r = await netbreak(['clean', '--json'], fake.cliEnv());
  expect(r.code, r.stderr).toBe(0);
  expect(r.json().removed).toEqual([
    {
      lab: 'netbreak',
      removed: [
        `capture container ${LEFT.name} (tcpdump in the network namespace of netbreak-worker2)`,
        `capture container ${LEFT_ON_WORKER.name} (tcpdump in the network namespace of netbreak-worker)`,
      ],
    },
  ]);
  expect(
    fake
      .calls()
      .filter((c) => c[0] === 'docker' && c[1] === 'rm')
      .map((c) => c.join(' ')),
  ).toEqual([`docker rm -f ${LEFT.name} ${LEFT_ON_WORKER.name}`]);
  expect(fake.containers().map((c) => c.name)).toEqual([RUNNING.name, ...OTHERS.map((c) => c.name)]);
  const again = await netbreak(['clean'], fake.cliEnv());
  expect(again.stdout).toBe('Nothing to clean: no netbreak lab left anything on this machine.');
});

it('without a container engine there is nothing to look for, and no error', async () => {
  fake.setState({ docker: 'down' });
  expect((await netbreak(['doctor', '--json'], fake.cliEnv())).json().captureContainers).toEqual([]);
  const r = await netbreak(['clean'], fake.cliEnv());
  expect(r.code, r.stderr).toBe(0);
  expect(fake.containers()).toHaveLength(6);
});
