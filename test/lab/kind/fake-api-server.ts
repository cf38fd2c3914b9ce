// A fake Kubernetes API server in the test process (node:http on 127.0.0.1):
// discovery, get/list (with label selectors), server-side apply and merge patch,
// delete (namespaces take their objects with them after a moment), and the pod
// proxy, answered by a handler the test sets (agnhost's /dial and /shell by
// default). Deployments and DaemonSets report Ready and Deployments get pods,
// as the controllers would; a DaemonSet gets one pod per node its node affinity
// selects, and a pod on a node it stops selecting stays a while, terminating.
// Like the real server, every object carries managedFields, and a server-side
// apply that sends managedFields or a stale resourceVersion is refused. Every
// request is recorded in order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergePatch } from '../../../src/lab/merge-patch.js';
import type { KubeObject } from '../../../src/k8s/objects.js';

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const GROUPS: Record<string, Resource[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'nodes', kind: 'Node', namespaced: false },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'endpoints', kind: 'Endpoints', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
    { name: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  ],
  'networking.k8s.io/v1': [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true }],
  'discovery.k8s.io/v1': [{ name: 'endpointslices', kind: 'EndpointSlice', namespaced: true }],
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: any;
}

export type ProxyHandler = (req: { namespace: string; pod: string; port: number; path: string; query: URLSearchParams }) => ProxyAnswer | Promise<ProxyAnswer>;
type ProxyAnswer = { status: number; body: string };

const HOSTNAME = 'kubernetes.io/hostname';

/** The nodes a pod template may run on: its hostname nodeSelector and required node affinity (In / NotIn on the hostname). */
function selectedNodes(template: any, nodes: string[]): string[] {
  const spec = template?.spec ?? {};
  const pinned = spec.nodeSelector?.[HOSTNAME];
  const terms: any[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const matches = (node: string, term: any) =>
    (term.matchExpressions ?? []).every(
      (e: any) => e.key !== HOSTNAME || (e.operator === 'In' ? e.values.includes(node) : e.operator === 'NotIn' ? !e.values.includes(node) : true),
    );
  return nodes.filter((n) => (!pinned || pinned === n) && (terms.length === 0 || terms.some((t) => matches(n, t))));
}

function ready(obj: KubeObject, nodes = 3): KubeObject {
  const generation = obj.metadata.generation ?? 1;
  if (obj.kind === 'Deployment') {
    const replicas = (obj.spec as { replicas?: number }).replicas ?? 1;
    obj.status = { observedGeneration: generation, replicas, readyReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas };
  }
  if (obj.kind === 'DaemonSet')
    obj.status = { observedGeneration: generation, desiredNumberScheduled: nodes, numberReady: nodes, updatedNumberScheduled: nodes };
  return obj;
}

/** agnhost as the default pod-proxy handler: /dial answers with the target's "hostname", dig resolves every name to 10.96.0.99. */
export const agnhostHandler: ProxyHandler = ({ path, query }) => {
  if (path === 'dial') return { status: 200, body: JSON.stringify({ responses: [`backend-for-${query.get('host')}`] }) };
  if (path === 'shell') {
    const name = /dig \+search \+time=1 \+tries=2 (\S+) A/.exec(query.get('cmd') ?? '')?.[1] ?? 'x';
    return { status: 200, body: JSON.stringify({ output: digOutput(name, 'NOERROR', ['10.96.0.99']) }) };
  }
  return { status: 404, body: '404 page not found' };
};

export function digOutput(name: string, status: string, addresses: string[]): string {
  return [
    `; <<>> DiG 9.18.24 <<>> +search +time=1 +tries=2 ${name} A`,
    ';; global options: +cmd',
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: QUERY, status: ${status}, id: 4242`,
    `;; flags: qr aa rd; QUERY: 1, ANSWER: ${addresses.length}, AUTHORITY: 0, ADDITIONAL: 1`,
    '',
    ';; QUESTION SECTION:',
    `;${name}.\t\tIN\tA`,
    '',
    ...(addresses.length ? [';; ANSWER SECTION:', ...addresses.map((a) => `${name}.\t30\tIN\tA\t${a}`), ''] : []),
    ';; Query time: 3 msec',
    ';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)',
    ';; WHEN: Mon Jan 06 10:00:00 UTC 2025',
    ';; MSG SIZE  rcvd: 100',
    '',
  ].join('\n');
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new Map<string, KubeObject>();
  proxyHandler: ProxyHandler = agnhostHandler;
  /** Called before each request is handled; it may delay it, or refuse it with a status (a test's way to act mid-command). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hold that only delays the request returns nothing at all.
  hold?: (method: string, path: string, body: string) => Promise<{ status: number; message: string } | void>;
  /** Reads of a Deployment report it not ready this many times after each change (to see waiting and progress). */
  notReadyReads = 0;
  /** Namespaces disappear after this many list calls once deleted (finalizers). */
  namespaceDeleteLists = 1;
  /** A DaemonSet's pod on a node it no longer selects stays, terminating, for this many pod lists. */
  daemonPodLingerLists = 2;
  private failures: { method: string; path: RegExp; status: number; message: string }[] = [];
  private pendingReads = new Map<string, number>();
  private terminating = new Map<string, number>();
  private lingering = new Map<string, number>();
  private server?: http.Server;
  private uid = 0;
  private rv = 1;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const refusal = await this.hold?.(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname, text);
          if (refusal) return this.send(res, refusal.status, { kind: 'Status', status: 'Failure', message: refusal.message, code: refusal.status });
          await this.handle(req, text, res);
        } catch (error) {
          this.send(res, 500, { kind: 'Status', status: 'Failure', message: (error as Error).message, code: 500 });
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** The next matching request answers with this error (a Status). */
  failNext(method: string, path: RegExp, status: number, message: string): void {
    this.failures.push({ method, path, status, message });
  }

  /** A kind cluster as it is right after `kind create cluster` with netbreak's config (or another one, unlabelled). */
  seedCluster(cluster: string, options: { netbreakLabel?: boolean } = {}): void {
    const labels: Record<string, string> = options.netbreakLabel === false ? {} : { 'netbreak.dev/created-by': 'netbreak' };
    for (const node of ['control-plane', 'worker', 'worker2']) {
      this.put({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `${cluster}-${node}`, labels: { ...labels, 'kubernetes.io/hostname': `${cluster}-${node}` } },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    for (const ns of ['default', 'kube-system'])
      this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
    this.put(
      ready({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system', generation: 1 }, spec: { replicas: 2 } }),
    );
    this.put({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', generation: 1, labels: { 'k8s-app': 'kube-proxy' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.0' }] },
        },
      },
    });
    this.put(ready({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'kindnet', namespace: 'kube-system', generation: 1 }, spec: {} }));
  }

  /** Requests other than discovery and the polling reads, as `METHOD path` lines: what the test asserts on. */
  calls(filter: (r: RecordedRequest) => boolean = (r) => r.method !== 'GET'): string[] {
    return this.requests.filter(filter).map((r) => `${r.method} ${r.path}`);
  }

  get(kind: string, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.get(this.key(kind, name, namespace));
  }

  private key(kind: string, name: string, namespace?: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  put(obj: KubeObject): KubeObject {
    obj.metadata.uid ??= `uid-${++this.uid}`;
    obj.metadata.resourceVersion = String(++this.rv);
    obj.metadata.creationTimestamp ??= '2025-01-06T10:00:00Z';
    (obj.metadata as any).managedFields ??= [{ manager: 'kubeadm', operation: 'Update', apiVersion: obj.apiVersion, fieldsType: 'FieldsV1', fieldsV1: {} }];
    // Seeded without a status: as its controller would report it once settled.
    if (obj.kind === 'Deployment' && !obj.status) ready(obj);
    this.objects.set(this.key(obj.kind, obj.metadata.name, obj.metadata.namespace), obj);
    if (obj.kind === 'Deployment') this.reconcilePods(obj);
    if (obj.kind === 'DaemonSet') this.reconcileDaemonPods(obj);
    return obj;
  }

  private nodeNames(): string[] {
    return [...this.objects.values()].filter((o) => o.kind === 'Node').map((o) => o.metadata.name);
  }

  /** One Ready pod per selected node; a pod on a node no longer selected is marked terminating and goes after a few pod lists. */
  private reconcileDaemonPods(ds: KubeObject): void {
    const template = (ds.spec as any)?.template;
    if (!template) {
      ready(ds);
      return;
    }
    const ns = ds.metadata.namespace!;
    const wanted = selectedNodes(template, this.nodeNames());
    ready(ds, wanted.length);
    const own = [...this.objects.values()].filter(
      (o) => o.kind === 'Pod' && o.metadata.namespace === ns && o.metadata.ownerReferences?.[0]?.name === ds.metadata.name,
    );
    for (const pod of own) {
      const node = (pod.spec as any).nodeName as string;
      if (!wanted.includes(node) && !(pod.metadata as any).deletionTimestamp) {
        (pod.metadata as any).deletionTimestamp = '2025-01-06T10:05:00Z';
        this.lingering.set(this.key('Pod', pod.metadata.name, ns), this.daemonPodLingerLists);
      }
    }
    for (const node of wanted) {
      if (own.some((p) => (p.spec as any).nodeName === node && !(p.metadata as any).deletionTimestamp)) continue;
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${ds.metadata.name}-${node.slice(-6)}${++this.uid}`,
          namespace: ns,
          labels: template.metadata?.labels ?? {},
          uid: `uid-${this.uid}`,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid ?? 'ds-uid', controller: true }],
        },
        spec: { ...structuredClone(template.spec ?? {}), nodeName: node },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      };
      this.objects.set(this.key('Pod', pod.metadata.name, ns), pod);
    }
  }

  private reconcilePods(deployment: KubeObject): void {
    const ns = deployment.metadata.namespace!;
    const name = deployment.metadata.name;
    for (const [key, o] of this.objects) {
      if (o.kind === 'Pod' && o.metadata.namespace === ns && o.metadata.ownerReferences?.[0]?.name === `${name}-5d4f7c9b8`) this.objects.delete(key);
    }
    const template = ((deployment.spec as any)?.template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: unknown };
    const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
    for (let i = 0; i < replicas; i++) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-5d4f7c9b8-${'abcde'[i] ?? i}x${i}`,
          namespace: ns,
          labels: template.metadata?.labels ?? {},
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-5d4f7c9b8`, uid: 'rs-uid', controller: true }],
        },
        spec: structuredClone(template.spec ?? { containers: [] }),
        status: { phase: 'Running', podIP: `10.244.1.${10 + i}`, conditions: [{ type: 'Ready', status: 'True' }] },
      };
      pod.metadata.uid = `uid-${++this.uid}`;
      this.objects.set(this.key('Pod', pod.metadata.name, ns), pod);
    }
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private notFound(res: http.ServerResponse, what: string): void {
    this.send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `${what} not found`, reason: 'NotFound', code: 404 });
  }

  private async handle(req: http.IncomingMessage, text: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const body = text
      ? (() => {
          try {
            return JSON.parse(text);
          } catch {
            return text;
          }
        })()
      : undefined;
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      ...(body !== undefined ? { body } : {}),
    });
    const failure = this.failures.findIndex((f) => f.method === method && f.path.test(url.pathname));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      return this.send(res, f.status, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: f.message, code: f.status });
    }

    const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/:]+):(\d+)\/proxy\/?(.*)$/.exec(url.pathname);
    if (proxy) {
      const [, namespace, pod, port, rest] = proxy;
      if (!this.get('Pod', pod!, namespace)) return this.notFound(res, `pods "${pod}"`);
      const answer = await this.proxyHandler({ namespace: namespace!, pod: pod!, port: Number(port), path: rest!, query: url.searchParams });
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      return void res.end(answer.body);
    }

    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(url.pathname);
    if (discovery) {
      const groupVersion = discovery[1] ?? discovery[2]!;
      const resources = GROUPS[groupVersion];
      if (!resources) return this.notFound(res, groupVersion);
      return this.send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion,
        resources: resources.map((r) => ({ ...r, singularName: '', verbs: ['get', 'list', 'patch', 'delete'] })),
      });
    }

    const match = /^\/(?:api\/v1|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return this.notFound(res, url.pathname);
    const [, group, namespace, plural, name] = match;
    const apiVersion = group ?? 'v1';
    const resource = GROUPS[apiVersion]?.find((r) => r.name === plural);
    if (!resource) return this.notFound(res, `resource ${plural}`);
    const kind = resource.kind;

    if (method === 'GET' && kind === 'Namespace') this.tickNamespaces();
    if (method === 'GET' && kind === 'Pod' && !name) this.tickLingering();
    if (method === 'GET' && !name) {
      const selector = url.searchParams.get('labelSelector');
      const items = [...this.objects.values()]
        .filter((o) => o.kind === kind && (!namespace || o.metadata.namespace === namespace))
        .filter(
          (o) =>
            !selector ||
            selector.split(',').every((term) => {
              const [k, v] = term.split('=');
              return o.metadata.labels?.[k!] === v;
            }),
        );
      return this.send(res, 200, { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: String(this.rv) }, items: items.map((o) => this.view(o)) });
    }
    const key = this.key(kind, name!, namespace);
    const existing = this.objects.get(key);
    if (method === 'GET') return existing ? this.send(res, 200, this.view(existing)) : this.notFound(res, `${plural} "${name}"`);
    if (method === 'DELETE') {
      if (!existing) return this.notFound(res, `${plural} "${name}"`);
      if (kind === 'Namespace') {
        this.terminating.set(name!, this.namespaceDeleteLists);
        existing.status = { phase: 'Terminating' };
      } else this.objects.delete(key);
      return this.send(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: plural } });
    }
    if (method === 'PATCH') {
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('application/apply-patch')) {
        if (url.searchParams.get('fieldManager') !== 'netbreak')
          return this.send(res, 400, { kind: 'Status', status: 'Failure', message: 'fieldManager is required for apply', code: 400 });
        if (body?.metadata?.managedFields !== undefined)
          return this.send(res, 400, { kind: 'Status', status: 'Failure', message: 'metadata.managedFields must be nil', reason: 'BadRequest', code: 400 });
        const precondition = body?.metadata?.resourceVersion;
        if (precondition !== undefined && precondition !== existing?.metadata.resourceVersion) {
          return this.send(res, 409, {
            kind: 'Status',
            status: 'Failure',
            message: `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            reason: 'Conflict',
            code: 409,
          });
        }
        if (namespace && !this.get('Namespace', namespace)) return this.notFound(res, `namespaces "${namespace}"`);
        const applied = structuredClone(body) as KubeObject;
        const generation = existing ? (existing.metadata.generation ?? 1) + (JSON.stringify(existing.spec) !== JSON.stringify(applied.spec) ? 1 : 0) : 1;
        applied.metadata = {
          ...applied.metadata,
          generation,
          uid: existing?.metadata.uid,
          creationTimestamp: existing?.metadata.creationTimestamp,
          managedFields: [{ manager: 'netbreak', operation: 'Apply' }],
        } as KubeObject['metadata'];
        if (!applied.metadata.uid) delete applied.metadata.uid;
        if (!applied.metadata.creationTimestamp) delete applied.metadata.creationTimestamp;
        if (existing?.status && kind === 'Namespace') applied.status = existing.status;
        this.pendingReads.set(key, this.notReadyReads);
        return this.send(res, existing ? 200 : 201, this.view(this.put(applied.kind === 'DaemonSet' ? applied : ready(applied))));
      }
      if (type.startsWith('application/merge-patch+json')) {
        if (!existing) return this.notFound(res, `${plural} "${name}"`);
        const patched = mergePatch(existing, body) as KubeObject;
        if (JSON.stringify(patched.spec) !== JSON.stringify(existing.spec)) patched.metadata.generation = (existing.metadata.generation ?? 1) + 1;
        this.pendingReads.set(key, this.notReadyReads);
        return this.send(res, 200, this.view(this.put(patched.kind === 'DaemonSet' ? patched : ready(patched))));
      }
      return this.send(res, 415, { kind: 'Status', status: 'Failure', message: `unsupported patch type ${type}`, code: 415 });
    }
    return this.send(res, 405, { kind: 'Status', status: 'Failure', message: `${method} not supported`, code: 405 });
  }

  /** The object as a read shows it: not ready yet for the first `notReadyReads` reads after a change. */
  private view(obj: KubeObject): KubeObject {
    const key = this.key(obj.kind, obj.metadata.name, obj.metadata.namespace);
    const pending = this.pendingReads.get(key) ?? 0;
    if (pending > 0 && (obj.kind === 'Deployment' || obj.kind === 'DaemonSet')) {
      this.pendingReads.set(key, pending - 1);
      return { ...obj, status: { observedGeneration: obj.metadata.generation, replicas: 0, readyReplicas: 0, updatedReplicas: 0 } };
    }
    return obj;
  }

  private tickLingering(): void {
    for (const [key, left] of this.lingering) {
      if (left > 0) this.lingering.set(key, left - 1);
      else {
        this.lingering.delete(key);
        this.objects.delete(key);
      }
    }
  }

  private tickNamespaces(): void {
    for (const [ns, left] of this.terminating) {
      if (left > 0) {
        this.terminating.set(ns, left - 1);
        continue;
      }
      this.terminating.delete(ns);
      for (const [key, o] of this.objects) if (o.metadata.namespace === ns || (o.kind === 'Namespace' && o.metadata.name === ns)) this.objects.delete(key);
    }
  }
}

/** A kubeconfig file's text for the fake server, with the contexts given. */
export function kubeconfigText(server: string, contexts: string[], current = contexts[0]!): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c}`, '  cluster:', `    server: ${server}`, '    insecure-skip-tls-verify: true');
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c}`, '  context:', `    cluster: ${c}`, `    user: ${c}`);
  lines.push(`current-context: ${current}`, 'users:');
  for (const c of contexts) lines.push(`- name: ${c}`, '  user:', '    token: fake-token');
  return `${lines.join('\n')}\n`;
}
