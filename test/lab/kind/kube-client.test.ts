import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { KubeApiError, KubeClient, RESTARTED_AT, notReadyReason } from '../../../src/lab/kube-api/kube-client.js';
import { FakeApiServer, kubeconfigText } from './fake-api-server.js';

let api: FakeApiServer;
let client: KubeClient;
let dir: string;

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-kc-'));
  fs.writeFileSync(path.join(dir, 'config'), kubeconfigText(api.url, ['kind-netbreak', 'other']));
  client = KubeClient.fromFile(path.join(dir, 'config'), 'kind-netbreak');
  client.pollMs = 5;
});
afterEach(async () => {
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
const deploy = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }] } },
  },
};

it('applies server-side as field manager netbreak, with force', async () => {
  await client.apply(ns);
  const applied = await client.apply(deploy);
  expect(applied.metadata.uid).toBeTruthy();
  expect(typeof applied.metadata.creationTimestamp).toBe('string');
  const patches = api.requests.filter((r) => r.method === 'PATCH');
  expect(patches.map((r) => [r.path, r.contentType, r.query.fieldManager, r.query.force])).toEqual([
    ['/api/v1/namespaces/shop', 'application/apply-patch+yaml', 'netbreak', 'true'],
    ['/apis/apps/v1/namespaces/shop/deployments/api', 'application/apply-patch+yaml', 'netbreak', 'true'],
  ]);
  expect(patches[1]!.body).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 } });
});

it('merge-patches, scales and rollout-restarts with the annotation kubectl uses', async () => {
  await client.apply(ns);
  await client.apply(deploy);
  await client.scale({ kind: 'Deployment', namespace: 'shop', name: 'api' }, 0);
  await client.restart({ kind: 'Deployment', namespace: 'shop', name: 'api' }, new Date('2025-01-06T10:00:00Z'));
  const merges = api.requests.filter((r) => r.contentType === 'application/merge-patch+json');
  expect(merges.map((r) => r.body)).toEqual([
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { replicas: 0 } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2025-01-06T10:00:00.000Z' } } } },
    },
  ]);
  const stored = api.get('Deployment', 'api', 'shop')!;
  expect((stored.spec as any).replicas).toBe(0);
  expect((stored.spec as any).template.metadata.annotations[RESTARTED_AT]).toBe('2025-01-06T10:00:00.000Z');
});

it('gets, lists with kind and apiVersion on every item, deletes (false when absent)', async () => {
  await client.apply(ns);
  await client.apply(deploy);
  expect((await client.get({ kind: 'Deployment', namespace: 'shop', name: 'api' }))?.metadata.name).toBe('api');
  expect(await client.get({ kind: 'Deployment', namespace: 'shop', name: 'nope' })).toBeUndefined();
  const pods = await client.list('Pod', 'shop');
  expect(pods.map((p) => [p.apiVersion, p.kind, p.metadata.labels?.app])).toEqual([
    ['v1', 'Pod', 'api'],
    ['v1', 'Pod', 'api'],
  ]);
  expect((await client.list('Node', undefined, 'netbreak.dev/created-by=netbreak')).length).toBe(3);
  expect(await client.delete({ kind: 'Deployment', namespace: 'shop', name: 'api' })).toBe(true);
  expect(await client.delete({ kind: 'Deployment', namespace: 'shop', name: 'api' })).toBe(false);
  expect(api.requests.find((r) => r.method === 'DELETE')?.query).toMatchObject({ propagationPolicy: 'Background' });
});

it('turns API errors into one sentence with the server message', async () => {
  api.failNext('PATCH', /deployments/, 422, 'Deployment.apps "api" is invalid: spec.selector: Required value');
  await client.apply(ns);
  await expect(client.apply(deploy)).rejects.toThrow(
    new KubeApiError('applying Deployment/shop/api failed (HTTP 422: Deployment.apps "api" is invalid: spec.selector: Required value)'),
  );
});

it('refuses a context the kubeconfig does not have, naming the ones it has', () => {
  expect(() => KubeClient.fromFile(path.join(dir, 'config'), 'prod')).toThrow('has no context "prod": its contexts are kind-netbreak, other');
});

it('waits for workloads to be Ready, reporting progress, and times out with what is pending', async () => {
  await client.apply(ns);
  api.notReadyReads = 3;
  await client.apply(deploy);
  const seen: string[] = [];
  await client.waitReady(
    [
      { kind: 'Deployment', namespace: 'shop', name: 'api' },
      { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
    ],
    5000,
    (m) => seen.push(m),
  );
  expect(seen).toEqual(['waiting for deployment/api (0/2)']);
  api.notReadyReads = 1000;
  await client.apply({ ...deploy, spec: { ...deploy.spec, replicas: 3 } });
  await expect(client.waitReady([{ kind: 'Deployment', namespace: 'shop', name: 'api' }], 50)).rejects.toThrow('not ready after 0 s: deployment/api (0/3)');
});

it('judges readiness as kubectl rollout status does', () => {
  const d = (status: object, generation = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x', generation },
    spec: { replicas: 2 },
    status,
  });
  expect(notReadyReason(d({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 }))).toBeUndefined();
  expect(notReadyReason(d({ observedGeneration: 1, replicas: 3, readyReplicas: 2, updatedReplicas: 2 }))).toBe('deployment/x (2/2)');
  expect(notReadyReason(d({ observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2 }, 2))).toBe('deployment/x (2/2)');
  const ds = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kp', generation: 1 },
    status: { observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 },
  };
  expect(notReadyReason(ds)).toBe('daemonset/kp (2/3)');
});

it('GETs through the pod proxy with the query intact', async () => {
  await client.apply(ns);
  await client.apply(deploy);
  const pod = (await client.list('Pod', 'shop'))[0]!.metadata.name;
  const answer = await client.proxyGet('shop', pod, 8080, 'dial?request=hostname&host=10.96.0.5&port=8080&protocol=http&tries=1', 2000);
  expect(answer).toEqual({ status: 200, body: JSON.stringify({ responses: ['backend-for-10.96.0.5'] }) });
  expect(api.requests.at(-1)).toMatchObject({
    method: 'GET',
    path: `/api/v1/namespaces/shop/pods/${pod}:8080/proxy/dial`,
    query: { host: '10.96.0.5', request: 'hostname' },
  });
});
