// The existing-cluster backend against a fake API server: explicit context, a
// learner's own namespaces, and the refusals (node-level steps, namespaces it
// did not create), with the exact API calls it makes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PreflightError } from '../../../src/errors.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { kubeconfigBackend, kubeconfigTimeouts } from '../../../src/lab/kubeconfig/backend.js';
import { NodeLevelRefusedError } from '../../../src/lab/kubeconfig/kubeconfig-lab.js';
import { NamespaceRefusedError } from '../../../src/lab/kubeconfig/namespaces.js';
import { FakeApiServer, kubeconfigText } from '../kind/fake-api-server.js';
import { useFakeTools, type FakeTools } from '../kind/fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
let kubeconfig: string;

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('shared', { netbreakLabel: false });
  fake = useFakeTools({ state: { apiServer: api.url } });
  kubeconfig = path.join(fake.dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, kubeconfigText(api.url, ['prod', 'workshop'], 'prod'));
  Object.assign(kubeconfigTimeouts, { pollMs: 5, namespacesGoneMs: 2000 });
});
afterEach(async () => {
  fake.restore();
  await api.stop();
});

const app = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'frontend', namespace: 'shop' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'frontend' } },
      template: {
        metadata: { labels: { app: 'frontend' } },
        spec: { containers: [{ name: 'frontend', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec', '--http-port=8080'] }] },
      },
    },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' }, ports: [{ port: 8080 }] } },
];

const up = (options: Record<string, string> = {}) =>
  kubeconfigBackend.up('netbreak', { context: 'workshop', learner: 'alice', kubeconfig, ...options }, silentProgress);

it('needs an explicit context and learner, and refuses a context the kubeconfig lacks', async () => {
  await expect(kubeconfigBackend.up('netbreak', { kubeconfig, learner: 'alice' }, silentProgress)).rejects.toThrow(
    new PreflightError('the kubeconfig backend needs --context NAME: netbreak never uses your current context on a shared cluster'),
  );
  await expect(kubeconfigBackend.up('netbreak', { kubeconfig, context: 'workshop' }, silentProgress)).rejects.toThrow(
    'the kubeconfig backend needs --learner NAME',
  );
  await expect(up({ context: 'staging' })).rejects.toThrow('has no context "staging": its contexts are prod, workshop');
  await expect(up({ learner: 'Alice!' })).rejects.toThrow('learner name "Alice!" is not valid');
  expect(api.calls()).toEqual([]);
});

it('works in the learner’s own namespaces and maps them back, so scenarios keep saying "shop"', async () => {
  const lab = await up();
  const applied = await lab.apply(app);
  expect(applied.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
    'Namespace//shop',
    'Deployment/shop/frontend',
    'Service/shop/api',
  ]);
  expect(api.calls()).toEqual([
    'PATCH /api/v1/namespaces/nb-alice-shop',
    'PATCH /apis/apps/v1/namespaces/nb-alice-shop/deployments/frontend',
    'PATCH /api/v1/namespaces/nb-alice-shop/services/api',
  ]);
  expect(api.get('Namespace', 'nb-alice-shop')!.metadata.labels).toMatchObject({
    'netbreak.dev/learner': 'alice',
    'netbreak.dev/lab': 'netbreak',
    'app.kubernetes.io/managed-by': 'netbreak',
    'netbreak.dev/namespace': 'shop',
  });
  expect(api.get('Deployment', 'frontend', 'nb-alice-shop')!.metadata.labels).toMatchObject({ 'netbreak.dev/learner': 'alice' });
  expect((await lab.get({ kind: 'Service', namespace: 'shop', name: 'api' }))?.metadata.namespace).toBe('shop');
  expect((await lab.list('Pod')).map((p) => p.metadata.namespace)).toEqual(['shop']);
  expect((await lab.list('Namespace')).map((n) => n.metadata.name)).toEqual(['shop']);
  await lab.scale({ kind: 'Deployment', namespace: 'shop', name: 'frontend' }, 2);
  expect((api.get('Deployment', 'frontend', 'nb-alice-shop')!.spec as any).replicas).toBe(2);
  await lab.waitReady([{ kind: 'Deployment', namespace: 'shop', name: 'frontend' }], 1000);

  const seen: string[] = [];
  api.proxyHandler = ({ namespace, path: p, query }) => {
    seen.push(`${namespace} ${p} ${query.get('cmd') ?? query.get('host')}`);
    return p === 'shell'
      ? { status: 200, body: JSON.stringify({ output: ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1\n' }) }
      : { status: 200, body: '{}' };
  };
  expect((await lab.probe({ from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/' })).outcome).toBe('nxdomain');
  expect(seen).toEqual(['nb-alice-shop shell dig +search +time=1 +tries=2 api.nb-alice-shop.svc.cluster.local A 2>&1']);
  expect(lab.shellCommand({ namespace: 'shop', pod: 'frontend-1' }, ['sh'])).toEqual([
    'kubectl',
    '--kubeconfig',
    kubeconfig,
    '--context',
    'workshop',
    'exec',
    '-i',
    '-n',
    'nb-alice-shop',
    'frontend-1',
    '--',
    'sh',
  ]);
});

it('refuses node-level steps and changes outside the namespaces it created, each in one sentence, without calling the API', async () => {
  const lab = await up();
  await lab.apply(app.slice(0, 1));
  const before = api.requests.length;
  await expect(lab.nodeExec('worker', ['iptables', '-I', 'FORWARD', '-j', 'DROP'])).rejects.toThrow(
    new NodeLevelRefusedError(
      'the kubeconfig backend works only inside learner namespaces, so it refuses node-level steps ("iptables -I FORWARD -j DROP" on node worker): run this scenario on the kind or netns backend',
    ),
  );
  expect(() => lab.shellCommand({ node: 'worker' })).toThrow(NodeLevelRefusedError);
  const outside = (what: string) =>
    `the kubeconfig backend changes only the namespaces it created for learner alice, so it will not change ${what}: run this scenario on the kind or netns backend`;
  await expect(lab.patch({ kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' }, { data: {} })).rejects.toThrow(
    new NamespaceRefusedError(outside('ConfigMap/kube-system/coredns in namespace kube-system')),
  );
  await expect(lab.scale({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, 0)).rejects.toThrow(NamespaceRefusedError);
  await expect(lab.delete({ kind: 'Service', namespace: 'payments', name: 'api' })).rejects.toThrow(outside('Service/payments/api in namespace payments'));
  await expect(lab.delete({ kind: 'Namespace', name: 'kube-system' })).rejects.toThrow(outside('Namespace/kube-system'));
  await expect(lab.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' } }])).rejects.toThrow(
    NamespaceRefusedError,
  );
  await expect(lab.apply([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker' } }])).rejects.toThrow(outside('Node/worker'));
  expect(api.requests.length).toBe(before);
});

it('will not adopt a namespace of the same name that someone else made', async () => {
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nb-alice-shop', labels: { team: 'payments' } } });
  const lab = await up();
  await expect(lab.apply(app)).rejects.toThrow(
    new NamespaceRefusedError(
      'namespace nb-alice-shop already exists and netbreak did not create it for learner alice in lab netbreak, so it will not change Namespace/shop: pick another --learner name',
    ),
  );
  expect(api.calls()).toEqual([]);
  await kubeconfigBackend.down('netbreak');
  expect(api.get('Namespace', 'nb-alice-shop')).toBeDefined();
});

it('tears down only its own namespaces and leaves other learners and the cluster alone', async () => {
  api.put({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'nb-bob-shop', labels: { 'netbreak.dev/learner': 'bob', 'netbreak.dev/lab': 'netbreak' } },
  });
  const lab = await up();
  await lab.apply(app);
  expect(await kubeconfigBackend.labs()).toEqual(['netbreak']);
  const again = await kubeconfigBackend.attach('netbreak');
  expect((await again.list('Deployment', 'shop')).map((d) => d.metadata.name)).toEqual(['frontend']);
  const report = await kubeconfigBackend.down('netbreak');
  expect(report.removed).toEqual(['namespace nb-alice-shop', path.join(fake.stateDir, 'labs', 'netbreak')]);
  expect(api.calls((r) => r.method === 'DELETE')).toEqual(['DELETE /api/v1/namespaces/nb-alice-shop']);
  expect(api.get('Namespace', 'nb-alice-shop')).toBeUndefined();
  expect(api.get('Namespace', 'nb-bob-shop')).toBeDefined();
  expect(await kubeconfigBackend.labs()).toEqual([]);
  await expect(kubeconfigBackend.attach('netbreak')).rejects.toThrow('no kubeconfig lab named "netbreak" is running');
});

it('refuses a learner who already has namespaces, and reports what is available', async () => {
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nb-alice-x', labels: { 'netbreak.dev/learner': 'alice' } } });
  await expect(up()).rejects.toThrow('learner alice already has namespaces on this cluster (nb-alice-x): stop that lab first, or pick another --learner name');
  process.env.KUBECONFIG = kubeconfig;
  try {
    expect(await kubeconfigBackend.available()).toEqual({
      ok: true,
      detail: `${kubeconfig}: contexts prod, workshop (choose with --context NAME --learner NAME)`,
    });
    process.env.KUBECONFIG = path.join(os.tmpdir(), 'does-not-exist');
    expect((await kubeconfigBackend.available()).ok).toBe(false);
  } finally {
    delete process.env.KUBECONFIG;
  }
});
