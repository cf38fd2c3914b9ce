// The kind backend end to end without Docker: fake kind/docker/kubectl on PATH,
// a fake API server standing in for the cluster kind "creates".
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PreflightError } from '../../../src/errors.js';
import { kindBackend, kindTimeouts } from '../../../src/lab/kind/backend.js';
import { KindLab } from '../../../src/lab/kind/kind-lab.js';
import type { Progress } from '../../../src/lab/progress.js';
import { FakeApiServer, digOutput } from './fake-api-server.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let api: FakeApiServer;
let fake: FakeTools;
const saved = { ...kindTimeouts };
const steps: string[] = [];
const progress: Progress = {
  async step(title, work) {
    steps.push(title);
    return work((detail) => steps.push(`  ${detail}`));
  },
};

beforeEach(async () => {
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak');
  fake = useFakeTools({ state: { apiServer: api.url } });
  process.env.HOME = path.join(fake.dir, 'home');
  Object.assign(kindTimeouts, { readyMs: 2000, namespacesGoneMs: 2000, pollMs: 5 });
  steps.length = 0;
});
afterEach(async () => {
  fake.restore();
  await api.stop();
  Object.assign(kindTimeouts, saved);
});

const labDir = () => path.join(fake.stateDir, 'labs', 'netbreak');
const record = () => JSON.parse(fs.readFileSync(path.join(labDir(), 'lab.json'), 'utf8'));
const toolCalls = () => fake.calls().map((c) => c.join(' '));

it('creates the cluster with netbreak’s config and its own kubeconfig, then waits for nodes and system pods', async () => {
  const created: string[] = [];
  const lab = await kindBackend.up('netbreak', { created: () => created.push(fs.existsSync(path.join(labDir(), 'lab.json')) ? 'record' : 'none') }, progress);
  expect(lab).toBeInstanceOf(KindLab);
  const kubeconfig = path.join(labDir(), 'kubeconfig');
  expect(toolCalls()).toEqual([
    'docker info --format {{.ServerVersion}}',
    'kind version',
    'kubectl version --client',
    'kind get clusters',
    `kind create cluster --name netbreak --config ${path.resolve('clusters/kind-default.yaml')} --kubeconfig ${kubeconfig}`,
  ]);
  expect(created).toEqual(['record']);
  expect(record()).toMatchObject({
    name: 'netbreak',
    backend: 'kind',
    cluster: 'netbreak',
    context: 'kind-netbreak',
    kubeconfig,
    engine: 'docker',
    createdCluster: true,
  });
  expect(fs.statSync(kubeconfig).mode & 0o777).toBe(0o600);
  // The user's kubeconfig is never written.
  expect(fs.existsSync(path.join(fake.dir, 'home', '.kube'))).toBe(false);
  expect(steps).toEqual([
    'Creating kind cluster netbreak (1 control plane, 2 workers; a minute or two, longer the first time)',
    'Waiting for nodes, CoreDNS and kube-proxy',
  ]);
  expect(api.calls()).toEqual([]);
  expect(api.calls((r) => !/^\/apis?\/[^/]+(\/v1)?$/.test(r.path))).toEqual([
    'GET /api/v1/nodes',
    'GET /api/v1/nodes/netbreak-control-plane',
    'GET /api/v1/nodes/netbreak-worker',
    'GET /api/v1/nodes/netbreak-worker2',
    'GET /apis/apps/v1/namespaces/kube-system/deployments/coredns',
    'GET /apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy',
    'GET /apis/apps/v1/namespaces/kube-system/daemonsets/kindnet',
  ]);
  expect(await kindBackend.labs()).toEqual(['netbreak']);
});

it('reuses a cluster it created: deletes only the previous scenario’s namespaces and waits until they are gone', async () => {
  fake.setState({ clusters: ['netbreak'] });
  api.put({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'netbreak.dev/lab': 'netbreak', 'app.kubernetes.io/managed-by': 'netbreak' } },
  });
  api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  api.namespaceDeleteLists = 2;
  await kindBackend.up('netbreak', {}, progress);
  expect(toolCalls().filter((c) => c.startsWith('kind'))).toEqual(['kind version', 'kind get clusters', 'kind get kubeconfig --name netbreak']);
  expect(api.calls()).toEqual(['DELETE /api/v1/namespaces/shop']);
  expect(api.get('Namespace', 'shop')).toBeUndefined();
  expect(api.get('Namespace', 'team-a')).toBeDefined();
  expect(steps[0]).toBe("Reusing kind cluster netbreak: removing the previous scenario's namespaces");
  expect(steps).toContain('  waiting for shop to go');
  expect(record().createdCluster).toBe(false);
});

it('refuses a kind cluster netbreak did not create, and changes nothing in it', async () => {
  fake.setState({ clusters: ['netbreak'] });
  await api.stop();
  api = await new FakeApiServer().start();
  api.seedCluster('netbreak', { netbreakLabel: false });
  fake.setState({ apiServer: api.url });
  const refusal =
    'the kind cluster "netbreak" was not created by netbreak, so netbreak will not change it: use another lab name (--lab NAME), or delete that cluster yourself ("kind delete cluster --name netbreak")';
  await expect(kindBackend.up('netbreak', {}, progress)).rejects.toThrow(new PreflightError(refusal));
  await expect(kindBackend.down('netbreak')).rejects.toThrow(new PreflightError(refusal));
  expect(api.calls()).toEqual([]);
  expect(toolCalls().filter((c) => /kind (create|delete)/.test(c))).toEqual([]);
  expect(fake.state().clusters).toEqual(['netbreak']);
  expect(fs.existsSync(labDir())).toBe(false);
  expect(await kindBackend.leftovers()).toEqual([]);
});

it('removes everything it made when creation fails or the cluster never becomes ready', async () => {
  fake.setState({ failCreate: true });
  await expect(kindBackend.up('netbreak', {}, progress)).rejects.toThrow(
    'kind could not create cluster netbreak (failed to create cluster: failed to init node with kubeadm: exit status 1): run "netbreak doctor"',
  );
  expect(fs.existsSync(labDir())).toBe(false);
  expect(toolCalls().filter((c) => c.startsWith('kind delete'))).toEqual([]);

  fake.setState({ failCreate: false });
  const node = api.get('Node', 'netbreak-worker2')!;
  node.status = { conditions: [{ type: 'Ready', status: 'False' }] };
  Object.assign(kindTimeouts, { readyMs: 30 });
  await expect(kindBackend.up('netbreak', {}, progress)).rejects.toThrow('not ready after 0 s: node/netbreak-worker2');
  expect(toolCalls().filter((c) => c.startsWith('kind delete'))).toEqual([
    `kind delete cluster --name netbreak --kubeconfig ${path.join(labDir(), 'kubeconfig')}`,
  ]);
  expect(fake.state().clusters).toEqual([]);
  expect(fs.existsSync(labDir())).toBe(false);
});

it('refuses a lab name that is taken or invalid, and says what is missing on the machine', async () => {
  await expect(kindBackend.up('Bad_Name', {}, progress)).rejects.toThrow('lab name "Bad_Name" is not valid');
  fs.mkdirSync(labDir(), { recursive: true });
  fs.writeFileSync(path.join(labDir(), 'lab.json'), JSON.stringify({ name: 'netbreak', backend: 'netns' }));
  await expect(kindBackend.up('netbreak', {}, progress)).rejects.toThrow(
    'a lab named "netbreak" already exists (netns): stop it with "netbreak stop --lab netbreak" first',
  );
  fake.setState({ docker: 'down' });
  expect(await kindBackend.available()).toEqual({ ok: false, reason: expect.stringContaining('docker is installed but its engine is not running') });
  fake.setState({ docker: 'up', kindVersion: 'v0.20.0' });
  expect(await kindBackend.available()).toEqual({ ok: false, reason: expect.stringContaining('install kind v0.24+ from https://kind.sigs.k8s.io/') });
  fake.setState({ kindVersion: 'v0.24.0' });
  expect(await kindBackend.available()).toEqual({ ok: true, detail: 'kind v0.24.0, docker 27.1.1' });
});

it('stop keeps the cluster (release); down deletes it; clean finds clusters netbreak made after their folder is gone', async () => {
  const lab = await kindBackend.up('netbreak', {}, progress);
  await lab.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
  const released = await kindBackend.release('netbreak');
  expect(released.removed).toEqual(['namespace shop (kind cluster netbreak is kept for the next scenario)', labDir()]);
  expect(fake.state().clusters).toEqual(['netbreak']);
  expect(await kindBackend.labs()).toEqual([]);
  expect(await kindBackend.leftovers()).toEqual(['netbreak']);
  await expect(kindBackend.attach('netbreak')).rejects.toThrow('no kind lab named "netbreak" is running');

  const report = await kindBackend.down('netbreak');
  expect(report.removed).toEqual(['kind cluster netbreak', labDir()]);
  expect(toolCalls().at(-1)).toBe(`kind delete cluster --name netbreak --kubeconfig ${path.join(labDir(), 'kubeconfig')}`);
  expect(fake.state().clusters).toEqual([]);
  expect(await kindBackend.leftovers()).toEqual([]);
});

it('drives the cluster through the Lab contract: labelled applies, nodes as kind names them, docker exec, kubectl shells', async () => {
  await kindBackend.up('netbreak', {}, progress);
  fake.setState({ execReplies: { 'iptables-save -c': { stdout: '*filter\nCOMMIT\n' } } });
  const lab = await kindBackend.attach('netbreak');
  await lab.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
  expect(api.get('Namespace', 'shop')!.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'netbreak', 'netbreak.dev/lab': 'netbreak' });
  expect(await lab.nodes()).toEqual(['control-plane', 'worker', 'worker2']);
  expect(await lab.nodeExec('worker', ['iptables-save', '-c'])).toEqual({ exitCode: 0, stdout: '*filter\nCOMMIT\n', stderr: '' });
  await expect(lab.nodeExec('worker7', ['true'])).rejects.toThrow(
    'there is no node "worker7" in kind cluster netbreak: the nodes are control-plane, worker, worker2',
  );
  expect(toolCalls().filter((c) => c.startsWith('docker exec'))).toEqual(['docker exec netbreak-worker iptables-save -c']);
  const kubeconfig = path.join(labDir(), 'kubeconfig');
  expect(lab.shellCommand({ node: 'worker2' })).toEqual(['docker', 'exec', 'netbreak-worker2', 'bash']);
  expect(lab.shellCommand({ namespace: 'shop', pod: 'api-1' }, ['dig', 'api'])).toEqual([
    'kubectl',
    '--kubeconfig',
    kubeconfig,
    '--context',
    'kind-netbreak',
    'exec',
    '-i',
    '-n',
    'shop',
    'api-1',
    '--',
    'dig',
    'api',
  ]);
  expect(await lab.health()).toEqual({ ok: true, lastError: null });
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
];

for (const via of ['exec', 'proxy'] as const) {
  it(`probes from the source pod's agnhost through ${via}, with the pod's resolver first`, async () => {
    process.env.NETBREAK_KIND_PROBE = via;
    try {
      await kindBackend.up('netbreak', {}, progress);
      const lab = await kindBackend.attach('netbreak');
      await lab.apply(app);
      const seen: string[] = [];
      api.proxyHandler = ({ pod, port, path: p, query }) => {
        seen.push(`${pod}:${port} ${p} ${p === 'shell' ? query.get('cmd') : query.toString()}`);
        if (p === 'shell') return { status: 200, body: JSON.stringify({ output: digOutput('api.shop.svc.cluster.local', 'NOERROR', ['10.96.7.7']) }) };
        return {
          status: 200,
          body: JSON.stringify({ errors: ['Get "http://10.96.7.7:8080/hostname": dial tcp 10.96.7.7:8080: connect: connection refused'] }),
        };
      };
      const result = await lab.probe({ from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/' });
      expect(result).toMatchObject({ outcome: 'refused', address: '10.96.7.7:8080', dns: [{ answers: ['10.96.7.7'], server: '10.96.0.10' }] });
      const pod = api
        .calls((r) => r.path.includes('/proxy/'))[0]!
        .split('/')[6]!
        .split(':')[0]!;
      expect(seen).toEqual([
        `${pod}:8080 shell dig +search +time=1 +tries=2 api.shop.svc.cluster.local A 2>&1`,
        `${pod}:8080 dial request=hostname&host=10.96.7.7&port=8080&protocol=http&tries=1`,
      ]);
      const kubectl = toolCalls().filter((c) => c.startsWith('kubectl') && c.includes(' exec '));
      if (via === 'exec') {
        expect(kubectl).toEqual([
          `kubectl --kubeconfig ${path.join(labDir(), 'kubeconfig')} --context kind-netbreak exec -n shop ${pod} -c frontend -- sh -c dig +search +time=1 +tries=2 api.shop.svc.cluster.local A 2>&1`,
          `kubectl --kubeconfig ${path.join(labDir(), 'kubeconfig')} --context kind-netbreak exec -n shop ${pod} -c frontend -- curl -sS -m 10 -w \\n%{http_code} http://127.0.0.1:8080/dial?request=hostname&host=10.96.7.7&port=8080&protocol=http&tries=1`,
        ]);
      } else expect(kubectl).toEqual([]);
      await expect(lab.probe({ from: 'shop/nothing', to: 'http://x:1/' })).rejects.toThrow('no pod or deployment "nothing" in namespace shop to probe from');
      const many = await lab.probeMany([
        { from: 'shop/frontend', to: 'tcp://10.96.7.7:8080' },
        { from: 'shop/nothing', to: 'tcp://10.96.7.7:8080' },
      ]);
      expect(many).toEqual([expect.objectContaining({ outcome: 'refused' }), { error: 'no pod or deployment "nothing" in namespace shop to probe from' }]);
    } finally {
      delete process.env.NETBREAK_KIND_PROBE;
    }
  });
}

it('reports a cluster that stopped answering as a lab that is not running', async () => {
  await kindBackend.up('netbreak', {}, progress);
  await api.stop();
  await expect(kindBackend.attach('netbreak')).rejects.toThrow(
    /^kind cluster netbreak's API server at http:\/\/127\.0\.0\.1:\d+ did not answer \(connection refused\): check that Docker is running and "kind get clusters" lists netbreak, then run "netbreak clean" and start again$/,
  );
  api = await new FakeApiServer().start();
});

it('maps node names both ways: scenarios say worker2, the cluster says netbreak-worker2', async () => {
  const lab = await kindBackend.up('netbreak', {}, progress);
  const pinned = structuredClone(app);
  (pinned[1]!.spec as any).template.spec.nodeSelector = { 'kubernetes.io/hostname': 'worker2' };
  const [, applied] = await lab.apply(pinned);
  expect((api.get('Deployment', 'frontend', 'shop')!.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'netbreak-worker2' });
  expect((applied!.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'worker2' });
  const pod = [...api.objects.values()].find((o) => o.kind === 'Pod' && o.metadata.namespace === 'shop')!;
  (pod.spec as any).nodeName = 'netbreak-worker2';
  expect((await lab.list('Pod', 'shop')).map((p) => (p.spec as any).nodeName)).toEqual(['worker2']);
  expect((await lab.get({ kind: 'Node', name: 'worker2' }))?.metadata).toMatchObject({ name: 'worker2', labels: { 'kubernetes.io/hostname': 'worker2' } });
  expect((await lab.list('Node')).map((n) => n.metadata.name)).toEqual(['control-plane', 'worker', 'worker2']);
  await lab.patch(
    { kind: 'Deployment', namespace: 'shop', name: 'frontend' },
    { spec: { template: { spec: { nodeSelector: { 'kubernetes.io/hostname': 'worker' } } } } },
  );
  expect((api.get('Deployment', 'frontend', 'shop')!.spec as any).template.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'netbreak-worker' });
  await lab.waitReady([{ kind: 'Node', name: 'worker2' }], 1000);
  expect(api.requests.some((r) => r.path === '/api/v1/nodes/netbreak-worker2')).toBe(true);
  await lab.nodeExec('netbreak-worker2', ['true']);
  expect(toolCalls().filter((c) => c.startsWith('docker exec'))).toEqual(['docker exec netbreak-worker2 true']);
});

it('narrowing a DaemonSet waits until its pod has left the node, and undoing the patch brings it back', async () => {
  const lab = await kindBackend.up('netbreak', {}, progress);
  const { patchStep } = await import('../../../src/faults/patch.js');
  const ctx = { lab, manifests: new Map() };
  const proxyPods = () =>
    [...api.objects.values()]
      .filter((o) => o.kind === 'Pod' && o.metadata.labels?.['k8s-app'] === 'kube-proxy')
      .map((p) => (p.spec as any).nodeName as string)
      .sort();
  expect(proxyPods()).toEqual(['netbreak-control-plane', 'netbreak-worker', 'netbreak-worker2']);
  const before = structuredClone(api.get('DaemonSet', 'kube-proxy', 'kube-system')!.spec);
  const narrow = {
    spec: {
      template: {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['worker2'] }] }],
              },
            },
          },
        },
      },
    },
  };
  const undo = JSON.parse(JSON.stringify(await patchStep.apply(ctx, { object: 'DaemonSet/kube-system/kube-proxy', merge: narrow })));
  // The pod on worker2 lingered, terminating, for two lists; the step returned only once it was gone.
  expect(proxyPods()).toEqual(['netbreak-control-plane', 'netbreak-worker']);
  expect(api.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/namespaces/kube-system/pods').length).toBeGreaterThanOrEqual(3);
  await patchStep.revert(ctx, undo);
  expect(api.get('DaemonSet', 'kube-proxy', 'kube-system')!.spec).toEqual(before);
  expect(proxyPods()).toEqual(['netbreak-control-plane', 'netbreak-worker', 'netbreak-worker2']);
});

it('undoes changes to objects read back from the cluster: server-written fields are not sent again', async () => {
  const lab = await kindBackend.up('netbreak', {}, progress);
  const { deleteStep } = await import('../../../src/faults/delete.js');
  const ctx = { lab, manifests: new Map() };
  api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: '.:53 {}' } });
  const undo = JSON.parse(JSON.stringify(await deleteStep.apply(ctx, 'ConfigMap/kube-system/coredns')));
  expect(undo.before.metadata.managedFields).toBeDefined();
  await deleteStep.revert(ctx, undo);
  const sent = api.requests.filter((r) => r.method === 'PATCH').at(-1)!;
  expect(sent.body.metadata).toEqual({
    name: 'coredns',
    namespace: 'kube-system',
    labels: { 'app.kubernetes.io/managed-by': 'netbreak', 'netbreak.dev/lab': 'netbreak' },
  });
  expect(sent.body.status).toBeUndefined();
  expect(api.get('ConfigMap', 'coredns', 'kube-system')!.data).toEqual({ Corefile: '.:53 {}' });
});
