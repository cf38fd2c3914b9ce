// Ctrl-C during `start` and `lab up` on the kind backend, as a user presses it
// (SIGINT to the built bin), with the fake kind/docker/kubectl and a fake API
// server whose `hold` hook sends the signal at the moment under test. The
// cluster outlives netbreak, so whatever start changed must be undone: at
// once, or by `netbreak stop` / `netbreak clean` from the journal left behind.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROOT, netbreak } from '../../helpers/cli.js';
import { tempScenario, type TempScenario } from '../../scenario/helpers.js';
import { FakeApiServer, digOutput } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
let library: TempScenario;
let env: Record<string, string>;

const KUBE_DNS_SELECTOR = { 'k8s-app': 'kube-dns' };
const IPTABLES = 'iptables -A FORWARD -p udp --dport 53 -j DROP';

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  api.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system' },
    spec: { selector: { ...KUBE_DNS_SELECTOR }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
  });
  fake = useFakeTools({ state: { apiServer: api.url } });
  // The valid fixture (it runs on kind, its fault types a rule on worker), whose fault also patches a kube-system object.
  library = await tempScenario((text) =>
    text.replace(
      '      undo: [iptables, -D, FORWARD, -p, udp, --dport, "53", -j, DROP]\n',
      '      undo: [iptables, -D, FORWARD, -p, udp, --dport, "53", -j, DROP]\n  - patch: {object: Service/kube-system/kube-dns, merge: {spec: {selector: {app.kubernetes.io/name: coredns, k8s-app: null}}}}\n',
    ),
  );
  env = { ...fake.cliEnv(), NETBREAK_SCENARIOS: library.root, NETBREAK_KIND_PROBE: 'proxy', NO_COLOR: '1' };
});
afterEach(async () => {
  fake.restore();
  await api.stop();
  await library.cleanup();
});

function spawn(args: string[]) {
  return execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), ...args], { reject: false, env, extendEnv: false, timeout: 120_000 });
}

const faultApplied = () => (api.get('Service', 'kube-dns', 'kube-system')!.spec as any).selector['app.kubernetes.io/name'] === 'coredns';
type Child = ReturnType<typeof spawn>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The frontend reaches the api until the deny-egress policy exists; then its lookups time out. */
function agnhost(): void {
  api.proxyHandler = ({ path: p, query }) => {
    const denied = [...api.objects.values()].some((o) => o.kind === 'NetworkPolicy');
    if (p === 'shell') {
      const name = /dig \+search \+time=1 \+tries=2 (\S+) A/.exec(query.get('cmd') ?? '')![1]!;
      return {
        status: 200,
        body: JSON.stringify({ output: denied ? ';; connection timed out; no servers could be reached\n' : digOutput(name, 'NOERROR', ['10.96.0.99']) }),
      };
    }
    return { status: 200, body: JSON.stringify({ responses: ['api-5d4f7c9b8-ax0'] }) };
  };
}

/** Sends SIGINT to `child` when the first probe after the fault arrives, and holds every probe from then on a while (the symptom is never seen). */
function interruptAtSymptom(child: () => Child): void {
  let sent = false;
  api.hold = async (_method, p) => {
    if (!p.includes('/proxy/') || !faultApplied()) return;
    if (!sent) child().kill('SIGINT');
    sent = true;
    await sleep(1500);
  };
}

it('Ctrl-C after the fault: start finishes the change in progress, undoes the journal, removes the lab and keeps the cluster', async () => {
  agnhost();
  let child!: Child;
  interruptAtSymptom(() => child);
  child = spawn(['start', 'quiet-after-review', '--backend', 'kind', '--seed', '0']);
  const r = await child;
  expect(r.exitCode, r.stderr).toBe(130);
  expect(r.stderr).toContain(
    'netbreak: interrupted; finishing the change in progress, then undoing the changes made so far (Ctrl-C again to leave lab netbreak as it is).',
  );
  expect(r.stderr.trim().split('\n').at(-1)).toBe(
    'netbreak: interrupted: the changes made so far are undone and lab netbreak is removed (its kind cluster is kept for the next start).',
  );
  // Undone, newest first: the kube-system patch, the rule typed on worker, the policy and the app.
  expect((api.get('Service', 'kube-dns', 'kube-system')!.spec as any).selector).toEqual(KUBE_DNS_SELECTOR);
  expect(
    fake
      .calls()
      .filter((c) => c[0] === 'docker' && c[1] === 'exec')
      .map((c) => c.join(' ')),
  ).toEqual([`docker exec netbreak-worker ${IPTABLES}`, `docker exec netbreak-worker ${IPTABLES.replace('-A', '-D')}`]);
  expect([...api.objects.values()].filter((o) => o.metadata.namespace === 'shop' || o.metadata.name === 'shop')).toEqual([]);
  expect(fs.existsSync(path.join(fake.stateDir, 'labs', 'netbreak'))).toBe(false);
  expect(fake.state().clusters).toEqual(['netbreak']);
}, 120_000);

it('Ctrl-C twice leaves the lab and its journal; netbreak stop then undoes what start changed', async () => {
  agnhost();
  let child!: Child;
  interruptAtSymptom(() => child);
  const symptomHold = api.hold!;
  let second = false;
  api.hold = async (method, p, body) => {
    // The first undo (the kube-dns patch, newest first) is where the second Ctrl-C lands: it never reaches the cluster.
    if (!second && method === 'PATCH' && p.endsWith('/services/kube-dns') && body.includes('"k8s-app":"kube-dns"')) {
      second = true;
      child.kill('SIGINT');
      await child;
      return { status: 503, message: 'netbreak went away' };
    }
    return symptomHold(method, p, body);
  };
  child = spawn(['start', 'quiet-after-review', '--backend', 'kind', '--seed', '0']);
  const r = await child;
  expect(r.exitCode, r.stderr).toBe(130);
  expect(r.stderr.trim().split('\n').at(-1), r.stderr).toBe(
    'netbreak: interrupted; lab netbreak is left as it is: "netbreak stop --lab netbreak" undoes what its journal records and removes it; "netbreak clean" also deletes the kind cluster if netbreak created it.',
  );
  expect(faultApplied()).toBe(true);
  const session = JSON.parse(fs.readFileSync(path.join(fake.stateDir, 'labs', 'netbreak', 'session.json'), 'utf8'));
  expect(session.status).toBe('starting');
  expect(session.journal.map((e: any) => `${e.phase} ${Object.keys(e.step)[0]} ${e.state}`)).toEqual([
    'setup apply done',
    'fault apply done',
    'fault nodeExec done',
    'fault patch done',
  ]);

  api.hold = undefined;
  const stop = await netbreak(['stop', '--json'], env);
  expect(stop.code, stop.stderr).toBe(0);
  expect((api.get('Service', 'kube-dns', 'kube-system')!.spec as any).selector).toEqual(KUBE_DNS_SELECTOR);
  expect(
    fake
      .calls()
      .filter((c) => c[0] === 'docker' && c[1] === 'exec')
      .map((c) => c.join(' '))
      .at(-1),
  ).toBe(`docker exec netbreak-worker ${IPTABLES.replace('-A', '-D')}`);
  expect(api.get('Namespace', 'shop')).toBeUndefined();
  expect(fs.existsSync(path.join(fake.stateDir, 'labs', 'netbreak'))).toBe(false);
  expect(fake.state().clusters).toEqual(['netbreak']);
}, 120_000);

it('Ctrl-C while kind creates the cluster leaves at once (kind goes with it); netbreak clean deletes what kind made', async () => {
  fake.setState({ createDelayMs: 4000 });
  const child = spawn(['lab', 'up', '--backend', 'kind']);
  // Half way: kind has made the node containers and is still setting them up.
  while (!(fake.state().clusters ?? []).includes('netbreak')) await sleep(50);
  child.kill('SIGINT');
  const r = await child;
  expect(r.exitCode).toBe(130);
  expect(r.stderr.trim().split('\n').at(-1)).toBe(
    'netbreak: interrupted; lab netbreak is left as it is: "netbreak stop --lab netbreak" undoes what its journal records and removes it; "netbreak clean" also deletes the kind cluster if netbreak created it.',
  );
  // kind was stopped half way: its node containers are there, its kubeconfig is not.
  expect(fake.state().clusters).toEqual(['netbreak']);
  expect(fs.existsSync(path.join(fake.stateDir, 'labs', 'netbreak', 'kubeconfig'))).toBe(false);
  const clean = await netbreak(['clean', '--yes', '--json'], env);
  expect(clean.code, clean.stderr).toBe(0);
  expect(clean.json().removed).toContainEqual({ lab: 'netbreak', removed: ['kind cluster netbreak', path.join(fake.stateDir, 'labs', 'netbreak')] });
  expect(fake.state().clusters).toEqual([]);
}, 60_000);
