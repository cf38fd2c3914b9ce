// Every library scenario that declares kind (and then every one that declares
// kubeconfig), run the way a learner does on that backend — start (setup,
// healthy path, fault, symptom), the reference fix, check, stop — against the
// fake kind/docker/kubectl and a fake API server seeded like a fresh kind
// cluster. The fakes cannot judge packets, so
// the pod proxy plays the network: each probe gets the outcome the scenario
// declares for the stage its journal shows (healthy until a fault step is
// done, the symptom's outcome after it, the verify and guard outcomes once
// the fix is done). What is checked is everything netbreak itself does on
// kind: every object it sends is valid for the API server, nodes are named as
// kind names them, node commands go to the right container, and stop leaves
// the cluster as it found it (kube-system objects, namespaces, the lab folder).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { releaseKindLab } from '../../../src/engine/release-kind-lab.js';
import { runSteps, startScenario } from '../../../src/engine/start-scenario.js';
import { readSession, sessionRecorder } from '../../../src/engine/session.js';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import { runCheck } from '../../../src/grading/check.js';
import { kindBackend } from '../../../src/lab/kind/backend.js';
import { buildTopology } from '../../../src/lab/netns/topology.js';
import { systemObjects } from '../../../src/lab/netns/system-objects.js';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { listScenarios, loadScenario, type LoadedScenario } from '../../../src/scenario/loader.js';
import type { ProbeOutcome } from '../../../src/scenario/schema.js';
import { FakeApiServer, digOutput, type ProxyHandler } from './fake-api-server.js';
import { useFastKind } from './fast-kind.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';
import { schemaProblems } from './k8s-schema.js';

const LAB = 'netbreak';
const SEEDS = [0, 1];

let api: FakeApiServer;
let fake: FakeTools;
useFastKind({ readyMs: 5000, settleMs: 3000 });
let onKind: LoadedScenario[] = [];
let onKubeconfig: LoadedScenario[] = [];

beforeAll(async () => {
  const { scenarios, errors } = await listScenarios(scenariosRoot());
  expect(errors.map((e) => e.message)).toEqual([]);
  onKind = scenarios.filter((s) => s.scenario.backends.includes('kind'));
  onKubeconfig = scenarios.filter((s) => s.scenario.backends.includes('kubeconfig'));
});

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster(LAB);
  // kube-system as kubeadm and kind make it: CoreDNS's ConfigMap, Deployment and Service, kube-proxy.
  for (const obj of systemObjects(buildTopology(['control-plane', 'worker', 'worker'])).filter((o) => o.kind !== 'Namespace')) api.put(structuredClone(obj));
  fake = useFakeTools({ state: { apiServer: api.url } });
});
afterEach(async () => {
  fake.restore();
  await api.stop();
});
afterAll(() => {
  expect(onKind.length, 'no library scenario declares kind').toBeGreaterThan(0);
  expect(onKubeconfig.length, 'no library scenario declares kubeconfig').toBeGreaterThan(0);
});

interface Expectation {
  from: string;
  to: string;
  expect: ProbeOutcome | 'failure';
  backend?: string;
}

const DNS_OUTCOMES = new Set(['nxdomain', 'dns-timeout', 'dns-error']);

/**
 * The pod proxy as the network of a scenario's stage: each name resolves to an
 * address of its own, so /dial's address tells which probe it is; a probe gets
 * the outcome the stage declares for it, any other probe succeeds. `learner`:
 * the kubeconfig backend's namespaces (`nb-alice-shop`), named back as the
 * scenario names them.
 */
function network(loaded: LoadedScenario, learner?: string): ProxyHandler {
  const unmap = (text: string) => (learner ? text.replaceAll(`nb-${learner}-`, '') : text);
  const { scenario } = loaded;
  const names = new Map<string, string>();
  const addressOf = (name: string) => {
    for (const [ip, n] of names) if (n === name) return ip;
    const ip = `10.96.${Math.floor(names.size / 200) + 1}.${(names.size % 200) + 10}`;
    names.set(ip, name);
    return ip;
  };
  const stage = (): Expectation[] => {
    const journal = readSession(LAB)?.journal ?? [];
    const done = (phase: string) => journal.some((e) => e.phase === phase && e.state === 'done');
    if (done('fix')) return [...scenario.verify.map((v) => v.probe), ...scenario.guards.flatMap((g) => ('probe' in g ? [g.probe] : []))];
    if (done('fault')) return [{ ...scenario.symptom, expect: scenario.symptom.expect ?? 'failure' }];
    return [];
  };
  const expected = (pod: string, namespace: string, host: string, port?: string): Expectation | undefined =>
    stage().find((e) => {
      const [ns, workload] = e.from.split('/') as [string, string];
      const target = new URL(e.to);
      return (
        ns === namespace &&
        (pod === workload || pod.startsWith(`${workload}-`)) &&
        target.hostname === host &&
        (port === undefined || target.port === port || (!target.port && port === '80'))
      );
    });
  return ({ namespace: sent, pod, path: p, query }) => {
    const namespace = unmap(sent);
    if (p === 'shell') {
      const asked = /dig \+search \+time=1 \+tries=2 (\S+) A/.exec(query.get('cmd') ?? '')?.[1];
      const name = asked && unmap(asked);
      if (!name) return { status: 200, body: JSON.stringify({ output: 'sh: unexpected command' }) };
      const want = expected(pod, namespace, name)?.expect;
      if (want === 'nxdomain') return { status: 200, body: JSON.stringify({ output: digOutput(name, 'NXDOMAIN', []) }) };
      if (want === 'dns-error') return { status: 200, body: JSON.stringify({ output: digOutput(name, 'SERVFAIL', []) }) };
      if (want === 'dns-timeout' || (want === 'failure' && new URL(expected(pod, namespace, name)!.to).protocol === 'dns:')) {
        return { status: 200, body: JSON.stringify({ output: ';; communications error to 10.96.0.10#53: timed out\n;; no servers could be reached\n' }) };
      }
      return { status: 200, body: JSON.stringify({ output: digOutput(name, 'NOERROR', [addressOf(name)]) }) };
    }
    const host = names.get(query.get('host')!) ?? query.get('host')!;
    const e = expected(pod, namespace, host, query.get('port')!);
    const want = e?.expect ?? 'success';
    if (want === 'success') return { status: 200, body: JSON.stringify({ responses: [`${e?.backend ?? host.split('.')[0]}-5d4f7c9b8-ax0`] }) };
    if (want === 'wrong-backend') return { status: 200, body: JSON.stringify({ responses: ['someone-else-0'] }) };
    if (DNS_OUTCOMES.has(want)) throw new Error(`a ${want} probe reached /dial: ${e!.to}`);
    const error = want === 'refused' ? 'connect: connection refused' : want === 'unreachable' ? 'connect: no route to host' : 'dial tcp: i/o timeout';
    return { status: 200, body: JSON.stringify({ errors: [`Get "http://${query.get('host')}:${query.get('port')}/hostname": ${error}`] }) };
  };
}

function specOrData(o: KubeObject): unknown {
  return o.kind === 'ConfigMap' ? (o as { data?: unknown }).data : o.spec;
}

it.each(SEEDS)(
  'every kind scenario, seed %i: start, reference fix, check, stop; valid objects, kind node names, the cluster left as found',
  async (seed) => {
    const problems: string[] = [];
    for (const listed of onKind) {
      const loaded = await loadScenario(listed.dir, { seed });
      const id = `${loaded.scenario.id} (seed ${seed})`;
      api.proxyHandler = network(loaded);
      const system = [...api.objects.values()]
        .filter((o) => o.metadata.namespace === 'kube-system' && o.kind !== 'Pod')
        .map((o) => [`${o.kind}/${o.metadata.name}`, structuredClone(specOrData(o))] as const);
      const sentBefore = api.requests.length;
      const execBefore = fake.calls().length;

      await startScenario(loaded, { lab: LAB, seed, backend: 'kind', progress: silentProgress });
      const lab = await kindBackend.attach(LAB);
      await runSteps({ lab, manifests: loaded.manifests }, loaded.scenario.fix, sessionRecorder(LAB, 'fix'));
      const report = await runCheck(lab, loaded.scenario);
      for (const item of report.items.filter((i) => !i.pass)) problems.push(`${id}: check: ${item.description}: ${item.detail}`);
      await releaseKindLab(LAB);

      // What netbreak sent: valid objects, and node names as kind has them.
      for (const r of api.requests.slice(sentBefore).filter((r) => r.method === 'PATCH' && r.contentType?.startsWith('application/apply-patch'))) {
        for (const p of schemaProblems(r.body)) problems.push(`${id}: ${r.body.kind}/${r.body.metadata?.name}: ${p}`);
      }
      const sentText = JSON.stringify(
        api.requests
          .slice(sentBefore)
          .filter((r) => r.method === 'PATCH')
          .map((r) => r.body),
      );
      for (const bare of sentText.matchAll(/"(?:kubernetes\.io\/hostname|nodeName)":"(?!netbreak-)([^"]+)"/g))
        problems.push(`${id}: node "${bare[1]}" sent without kind's prefix`);
      for (const bare of sentText.matchAll(/"key":"kubernetes\.io\/hostname","operator":"\w+","values":\[([^\]]*)\]/g)) {
        if (!/^("netbreak-[^"]+",?)*$/.test(bare[1]!)) problems.push(`${id}: node affinity values ${bare[1]} sent without kind's prefix`);
      }
      for (const call of fake
        .calls()
        .slice(execBefore)
        .filter((c) => c[0] === 'docker' && c[1] === 'exec')) {
        if (!/^netbreak-(control-plane|worker2?)$/.test(call[2]!)) problems.push(`${id}: docker exec into ${call[2]}`);
      }
      // stop leaves the cluster as it found it.
      for (const [key, before] of system) {
        const [kind, name] = key.split('/') as [string, string];
        const now = api.get(kind, name, 'kube-system');
        if (!now || JSON.stringify(specOrData(now)) !== JSON.stringify(before)) problems.push(`${id}: ${key} was not restored by stop`);
      }
      const left = [...api.objects.values()].filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['netbreak.dev/lab']);
      if (left.length) problems.push(`${id}: stop left namespaces ${left.map((n) => n.metadata.name).join(', ')}`);
      if (fs.existsSync(path.join(fake.stateDir, 'labs', LAB))) problems.push(`${id}: stop left the lab folder`);
    }
    expect(problems).toEqual([]);
    expect(fake.state().clusters).toEqual([LAB]);
    expect(fake.calls().filter((c) => c[0] === 'kind' && c[1] === 'create')).toHaveLength(1);
  },
  600_000,
);

it('every kubeconfig scenario: in the learner’s own namespaces only, and stop removes just those', async () => {
  const { kubeconfigBackend } = await import('../../../src/lab/kubeconfig/backend.js');
  const { kubeconfigText } = await import('./fake-api-server.js');
  const file = path.join(fake.dir, 'shared-kubeconfig');
  fs.writeFileSync(file, kubeconfigText(api.url, ['workshop']));
  const problems: string[] = [];
  for (const listed of onKubeconfig) {
    const loaded = await loadScenario(listed.dir, { seed: 0 });
    const id = loaded.scenario.id;
    api.proxyHandler = network(loaded, 'alice');
    const sentBefore = api.requests.length;
    await startScenario(loaded, {
      lab: LAB,
      seed: 0,
      backend: 'kubeconfig',
      upOptions: { context: 'workshop', kubeconfig: file, learner: 'alice' },
      progress: silentProgress,
    });
    const lab = await kubeconfigBackend.attach(LAB);
    await runSteps({ lab, manifests: loaded.manifests }, loaded.scenario.fix, sessionRecorder(LAB, 'fix'));
    const report = await runCheck(lab, loaded.scenario);
    for (const item of report.items.filter((i) => !i.pass)) problems.push(`${id}: check: ${item.description}: ${item.detail}`);
    await kubeconfigBackend.down(LAB);
    for (const r of api.requests.slice(sentBefore).filter((r) => r.method !== 'GET')) {
      if (!/^\/api(s\/[^/]+)?\/v1\/namespaces\/nb-alice-/.test(r.path)) problems.push(`${id}: ${r.method} ${r.path} outside the learner's namespaces`);
      if (r.method === 'PATCH' && r.contentType?.startsWith('application/apply-patch'))
        for (const p of schemaProblems(r.body)) problems.push(`${id}: ${r.body.kind}/${r.body.metadata?.name}: ${p}`);
    }
    const left = [...api.objects.values()].filter((o) => o.kind === 'Namespace' && o.metadata.name.startsWith('nb-alice-'));
    if (left.length) problems.push(`${id}: stop left ${left.map((n) => n.metadata.name).join(', ')}`);
  }
  expect(problems).toEqual([]);
  expect(fake.calls()).toEqual([]);
}, 600_000);
