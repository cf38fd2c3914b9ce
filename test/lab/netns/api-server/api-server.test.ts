// The lab's API server as kubectl and client-node meet it: TLS with the lab's CA, the
// token, discovery, reads, writes through admission, watches, and kube-apiserver's errors.
// The lab here is its store and admission alone (memory-lab.ts); test/…/kubectl-core.e2e
// drives a real lab.
import fs from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import type { ApiCredentials } from '../../../../src/lab/netns/api-server/credentials.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { type KubectlRun, type MemoryApi, runKubectl, startMemoryApi } from './memory-api.js';

const hasKubectl = fs.existsSync('/usr/bin/kubectl');

let lab: LabControl;
let credentials: ApiCredentials;
let port: number;
let kubeconfig: string;

let api: MemoryApi;

beforeAll(async () => {
  api = await startMemoryApi('nb-api-');
  ({ lab, credentials, port, kubeconfig } = api);
});

afterAll(() => api.close());

type Run = KubectlRun;

function kubectl(args: string[], input?: string): Promise<Run> {
  return runKubectl(kubeconfig, args, input, 20_000);
}

/** A raw request with the lab's CA; the token unless `token` is given (empty: none). */
function request(method: string, urlPath: string, body?: string | Buffer, headers: Record<string, string> = {}, token = credentials.token) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        ca: credentials.caPem,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: netbreak/netexec
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('credentials and TLS', () => {
  it('refuses a request without the token, or with another, with 401 Unauthorized', async () => {
    for (const token of ['', 'not-the-token']) {
      const res = await request('GET', '/api/v1/namespaces', undefined, {}, token);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
  });

  it('serves a certificate for 127.0.0.1 that only the lab CA vouches for', async () => {
    const withSystemCAs = new Promise<string>((resolve) => {
      https
        .get({ host: '127.0.0.1', port, path: '/version' }, () => resolve('trusted'))
        .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(await withSystemCAs).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    expect((await request('GET', '/version')).json).toMatchObject({ major: '1', minor: '32' });
  });
});

describe.skipIf(!hasKubectl)('kubectl against the lab API (kubectl not installed: skipped)', () => {
  it('discovers the lab kinds and reads them', async () => {
    const resources = await kubectl(['api-resources', '--no-headers']);
    expect(resources.code).toBe(0);
    for (const name of ['pods', 'services', 'deployments', 'networkpolicies', 'endpointslices', 'events', 'configmaps'])
      expect(resources.stdout).toContain(name);
    const nodes = await kubectl(['get', 'nodes', '-o', 'name']);
    expect(nodes.stdout.trim().split('\n')).toEqual(['node/control-plane', 'node/worker', 'node/worker2']);
    expect((await kubectl(['get', 'deploy', '-n', 'kube-system', 'coredns', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');
  });

  it('applies a file through admission, then reports it unchanged, then configured', async () => {
    const first = await kubectl(['apply', '-f', '-'], APP);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('deployment.apps/web created');
    expect((await kubectl(['apply', '-f', '-'], APP)).stdout).toContain('deployment.apps/web unchanged');
    const changed = await kubectl(['apply', '-f', '-'], APP.replace('replicas: 2', 'replicas: 3'));
    expect(changed.stdout).toContain('deployment.apps/web configured');
    expect(lab.store.get<{ spec: { replicas: number } } & never>({ kind: 'Deployment', namespace: 'shop', name: 'web' })).toMatchObject({
      spec: { replicas: 3 },
    });
    // Admission ran: the Service got a ClusterIP from the lab's range.
    expect((await kubectl(['get', 'svc', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.clusterIP}'])).stdout).toMatch(/^10\.96\./);
  });

  it('answers a missing object, an existing name and a stale resourceVersion as kube-apiserver does', async () => {
    const missing = await kubectl(['get', 'pod', 'nope', '-n', 'shop']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): pods "nope" not found');
    const twice = await kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: shop}\n');
    expect(twice.code).toBe(0);
    const again = await kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: shop}\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating "STDIN": configmaps "dup" already exists');
    const stale = await kubectl(
      ['replace', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: shop, resourceVersion: "1"}\ndata: {a: b}\n',
    );
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "dup": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('patches (json, merge, strategic), scales, labels and annotates', async () => {
    expect((await kubectl(['patch', 'cm', 'dup', '-n', 'shop', '--type', 'merge', '-p', '{"data":{"k":"v"}}'])).code).toBe(0);
    expect((await kubectl(['patch', 'cm', 'dup', '-n', 'shop', '--type', 'json', '-p', '[{"op":"add","path":"/data/j","value":"w"}]'])).code).toBe(0);
    const strategic = await kubectl([
      'patch',
      'deploy',
      'web',
      '-n',
      'shop',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"netbreak/other"}]}}}}',
    ]);
    expect(strategic.stdout).toContain('deployment.apps/web patched');
    const deploy = lab.store.get({ kind: 'Deployment', namespace: 'shop', name: 'web' }) as unknown as {
      spec: { template: { spec: { containers: { image: string; ports?: unknown[] }[] } } };
    };
    // Strategic: the container was merged by name, so its ports survived.
    expect(deploy.spec.template.spec.containers).toHaveLength(1);
    expect(deploy.spec.template.spec.containers[0]).toMatchObject({ image: 'netbreak/other', ports: [{ containerPort: 8080 }] });
    expect(lab.store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'dup' })).toMatchObject({ data: { k: 'v', j: 'w' } });
    expect((await kubectl(['scale', 'deploy/web', '-n', 'shop', '--replicas=4'])).stdout).toContain('deployment.apps/web scaled');
    expect((await kubectl(['label', 'deploy', 'web', '-n', 'shop', 'tier=front'])).stdout).toContain('deployment.apps/web labeled');
    expect((await kubectl(['annotate', 'svc', 'web', '-n', 'shop', 'note=hello'])).stdout).toContain('service/web annotated');
    expect(lab.store.get({ kind: 'Deployment', namespace: 'shop', name: 'web' })).toMatchObject({
      metadata: { labels: { tier: 'front' } },
      spec: { replicas: 4 },
    });
    const bad = await kubectl(['scale', 'deploy/web', '-n', 'shop', '--replicas=-1']);
    expect(bad.code).not.toBe(0);
  });

  it('selects by label and by field', async () => {
    const byLabel = await kubectl(['get', 'deploy', '-A', '-l', 'tier=front', '-o', 'name']);
    expect(byLabel.stdout.trim()).toBe('deployment.apps/web');
    const byField = await kubectl(['get', 'ns', '--field-selector', 'metadata.name=shop', '-o', 'name']);
    expect(byField.stdout.trim()).toBe('namespace/shop');
    const unknownField = await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.bogus=x']);
    expect(unknownField.code).toBe(1);
    expect(unknownField.stderr).toContain('field label not supported: spec.bogus');
  });

  it('applies server-side with a field manager, and removes what the manager stops applying', async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: shop}\ndata: {${data}}\n`;
    expect((await kubectl(['apply', '--server-side', '-f', '-'], cm('a: "1", b: "2"'))).stdout).toContain('configmap/ssa serverside-applied');
    expect((await kubectl(['apply', '--server-side', '-f', '-'], cm('a: "1"'))).code).toBe(0);
    const stored = lab.store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'ssa' }) as unknown as {
      data: Record<string, string>;
      metadata: { managedFields: { manager: string }[] };
    };
    expect(stored.data).toEqual({ a: '1' });
    expect(stored.metadata.managedFields.map((m) => m.manager)).toEqual(['kubectl']);
  });

  it('refuses an invalid NetworkPolicy with Invalid and the field, and a dry run stores nothing', async () => {
    const policy = (port: number) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: ${port}}]}]\n`;
    const bad = await kubectl(['apply', '-f', '-'], policy(70000));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The NetworkPolicy "np" is invalid');
    expect(bad.stderr).toContain('spec.ingress[0].ports[0].port');
    const dry = await kubectl(['apply', '--dry-run=server', '-f', '-'], policy(80));
    expect(dry.stdout).toContain('networkpolicy.networking.k8s.io/np created (server dry run)');
    expect(lab.store.get({ kind: 'NetworkPolicy', namespace: 'shop', name: 'np' })).toBeUndefined();
  });

  it('watches: a change made while kubectl get -w runs shows within a moment', async () => {
    const watching = kubectl(['get', 'cm', '-n', 'shop', '-w', '--request-timeout=2s', '-o', 'name']);
    await new Promise((r) => setTimeout(r, 700));
    lab.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'shop' }, data: {} }]);
    const run = await watching;
    expect(run.stdout).toContain('configmap/late');
  });

  it('deletes', async () => {
    const gone = await kubectl(['delete', 'cm', 'dup', '-n', 'shop']);
    expect(gone.stdout).toContain('configmap "dup" deleted');
    expect(lab.store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'dup' })).toBeUndefined();
  });
});

describe('bad requests get a Status each, and the server keeps working', () => {
  it('malformed JSON, a kind at the wrong URL, an unknown resource, a wrong version, a huge body, a bad patch type', async () => {
    const post = (p: string, body: string | Buffer, type = 'application/json') => request('POST', p, body, { 'content-type': type });
    expect((await post('/api/v1/namespaces/shop/configmaps', '{"kind":')).json).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect((await post('/api/v1/namespaces/shop/configmaps', '{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}')).json).toMatchObject({
      reason: 'BadRequest',
    });
    expect((await request('GET', '/api/v1/widgets')).json).toMatchObject({ reason: 'NotFound', code: 404 });
    expect((await request('GET', '/apis/apps/v1beta1/deployments')).status).toBe(404);
    const huge = await post('/api/v1/namespaces/shop/configmaps', Buffer.alloc(4 * 1024 * 1024, 0x20));
    expect(huge.json).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
    const patch = await request('PATCH', '/api/v1/namespaces/shop/configmaps/ssa', '{}', { 'content-type': 'text/plain' });
    expect(patch.json).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    expect((await request('GET', '/api/v1/namespaces')).status).toBe(200);
  });
});

describe('client-node against the lab API', () => {
  it('lists, watches, patches and applies', async () => {
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfig);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('kube-system');

    const seen: string[] = [];
    const watch = new k8s.Watch(config);
    const started = await watch.watch(
      '/api/v1/namespaces/kube-system/configmaps',
      { resourceVersion: namespaces.metadata?.resourceVersion },
      (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    const t0 = Date.now();
    lab.apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched', namespace: 'kube-system' }, data: {} }]);
    while (!seen.includes('ADDED watched') && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(seen).toContain('ADDED watched');
    expect(Date.now() - t0).toBeLessThan(100);
    started.abort();

    const patched = await core.patchNamespacedConfigMap(
      { name: 'watched', namespace: 'kube-system', body: { data: { x: 'y' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ x: 'y' });
    const applied = await core.patchNamespacedConfigMap(
      {
        name: 'fresh',
        namespace: 'kube-system',
        fieldManager: 'client-node',
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fresh', namespace: 'kube-system' }, data: { z: '1' } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    expect(applied.data).toEqual({ z: '1' });
  });
});
