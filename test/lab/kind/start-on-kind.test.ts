// The engine's start, reset and failure paths on the kind backend, without
// Docker: fake kind/docker/kubectl, a fake API server whose pod proxy plays
// kube-proxy (a Service answers when its selector matches a pod, else refuses).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { resetScenario, revertJournal, startScenario } from '../../../src/engine/start-scenario.js';
import { readSession } from '../../../src/engine/session.js';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import { kindBackend } from '../../../src/lab/kind/backend.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { findScenario, type LoadedScenario } from '../../../src/scenario/loader.js';
import { FakeApiServer, digOutput } from './fake-api-server.js';
import { useFastKind } from './fast-kind.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
let loaded: LoadedScenario;
useFastKind({ readyMs: 2000, settleMs: 5000 });

/** A Service "answers" when its selector matches a pod of its namespace, as kube-proxy with endpoints would. */
function kubeProxy(): void {
  api.proxyHandler = ({ path: p, query }) => {
    if (p === 'shell') {
      const name = /dig \+search \+time=1 \+tries=2 (\S+) A/.exec(query.get('cmd') ?? '')![1]!;
      return { status: 200, body: JSON.stringify({ output: digOutput(name, 'NOERROR', ['10.96.0.99']) }) };
    }
    const service = [...api.objects.values()].find((o) => o.kind === 'Service' && o.metadata.name === 'api')!;
    const selector = ((service.spec as { selector?: Record<string, string> }).selector ?? {}) as Record<string, string>;
    const pod = [...api.objects.values()].find(
      (o) =>
        o.kind === 'Pod' && o.metadata.namespace === service.metadata.namespace && Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    if (pod) return { status: 200, body: JSON.stringify({ responses: [pod.metadata.name] }) };
    return { status: 200, body: JSON.stringify({ errors: [`dial tcp ${query.get('host')}:${query.get('port')}: connect: connection refused`] }) };
  };
}

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  fake = useFakeTools({ state: { apiServer: api.url } });
  loaded = await findScenario(scenariosRoot(), 'afternoon-deploy', { seed: 1 });
  kubeProxy();
});
afterEach(async () => {
  fake.restore();
  await api.stop();
});

it('starts a scenario on kind: cluster, setup, healthy path, fault, symptom, session', async () => {
  const session = await startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress });
  expect(session.backend).toBe('kind');
  expect(readSession('netbreak')?.status).toBe('running');
  const ns = loaded.params.namespace as string;
  const writes = api.calls();
  expect(writes[0]).toBe(`PATCH /api/v1/namespaces/${ns}`);
  expect(writes.at(-1)).toBe(`PATCH /api/v1/namespaces/${ns}/services/api`);
  expect(api.requests.filter((r) => r.method === 'PATCH').at(-1)?.contentType).toBe('application/merge-patch+json');
  expect(api.get('Namespace', ns)!.metadata.labels).toMatchObject({ 'netbreak.dev/lab': 'netbreak' });
  expect(fake.calls().filter((c) => c[0] === 'kind' && c[1] === 'create')).toHaveLength(1);

  // stop: the journal is undone and the namespaces go; the cluster stays for the next scenario.
  await revertJournal(await kindBackend.attach('netbreak'), loaded);
  await kindBackend.release('netbreak');
  expect(api.get('Namespace', ns)).toBeUndefined();
  expect(fake.state().clusters).toEqual(['netbreak']);

  // The next start reuses it: no second `kind create cluster`.
  await startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress });
  expect(fake.calls().filter((c) => c[0] === 'kind' && c[1] === 'create')).toHaveLength(1);
});

it('resets in place on kind: the scenario comes back without a new cluster', async () => {
  const session = await startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress });
  const ns = loaded.params.namespace as string;
  const reset = await resetScenario(readSession('netbreak')!, loaded, silentProgress);
  expect(reset.resets).toBe(1);
  expect(reset.startedAt).toBe(session.startedAt);
  // The journal is undone newest first (the fault's patch, then the setup's objects), then the namespace goes.
  expect(api.calls((r) => r.method === 'DELETE').at(-1)).toBe(`DELETE /api/v1/namespaces/${ns}`);
  expect(api.calls((r) => r.method === 'DELETE' && r.path.includes('/services/api'))).toHaveLength(1);
  expect(api.get('Service', 'api', ns)).toBeDefined();
  expect(fake.calls().filter((c) => c[0] === 'kind' && c[1] === 'create')).toHaveLength(1);
});

it('a scenario whose fault does not show is refused, and the lab’s namespaces go while the cluster stays', async () => {
  api.proxyHandler = ({ path: p, query }) =>
    p === 'shell'
      ? { status: 200, body: JSON.stringify({ output: digOutput(query.get('cmd')!.split(' ')[4]!, 'NOERROR', ['10.96.0.99']) }) }
      : { status: 200, body: JSON.stringify({ responses: ['api-5d4f7c9b8-ax0'] }) };
  await expect(startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress })).rejects.toThrow(/the fault did not show/);
  expect(api.get('Namespace', loaded.params.namespace as string)).toBeUndefined();
  expect(fake.state().clusters).toEqual(['netbreak']);
  expect(fs.existsSync(path.join(fake.stateDir, 'labs', 'netbreak'))).toBe(false);
}, 120_000);

it('refuses a backend the scenario does not declare, and says why', async () => {
  loaded.scenario.backends = ['netns'];
  loaded.scenario.unsupported = { kind: 'its fault needs what only the netns lab has' };
  await expect(startScenario(loaded, { lab: 'netbreak', seed: 1, backend: 'kind', progress: silentProgress })).rejects.toThrow(
    'scenario afternoon-deploy does not run on the kind backend (its fault needs what only the netns lab has): it runs on netns, or pick another with "netbreak list"',
  );
  expect(fake.calls()).toEqual([]);
});

it('starts the same scenario on an existing cluster in the learner’s namespaces, and stop removes only those', async () => {
  const { kubeconfigBackend } = await import('../../../src/lab/kubeconfig/backend.js');
  const { kubeconfigText } = await import('./fake-api-server.js');
  const file = path.join(fake.dir, 'shared-kubeconfig');
  fs.writeFileSync(file, kubeconfigText(api.url, ['workshop']));
  loaded.scenario.backends = ['netns', 'kubeconfig'];
  const ns = loaded.params.namespace as string;
  const session = await startScenario(loaded, {
    lab: 'netbreak',
    seed: 1,
    backend: 'kubeconfig',
    upOptions: { context: 'workshop', kubeconfig: file, learner: 'alice' },
    progress: silentProgress,
  });
  expect(session.backend).toBe('kubeconfig');
  expect(api.calls()[0]).toBe(`PATCH /api/v1/namespaces/nb-alice-${ns}`);
  expect(api.calls().at(-1)).toBe(`PATCH /api/v1/namespaces/nb-alice-${ns}/services/api`);
  expect(fake.calls()).toEqual([]);
  const report = await kubeconfigBackend.down('netbreak');
  expect(report.removed[0]).toBe(`namespace nb-alice-${ns}`);
  expect(api.get('Namespace', `nb-alice-${ns}`)).toBeUndefined();
  expect(api.get('Namespace', 'kube-system')).toBeDefined();
});
