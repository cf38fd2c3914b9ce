// A small Kubernetes client over @kubernetes/client-node for the cluster
// backends (kind and an existing cluster): server-side apply as field manager
// "netbreak", merge patch, delete, scale, rollout restart, generic get and
// list, waiting for workloads to be Ready, and GETs through the API server's
// pod proxy (how probes reach agnhost's /dial).
import http from 'node:http';
import https from 'node:https';
import { ApiException, dumpYaml, KubeConfig, KubernetesObjectApi, loadYaml, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { ClusterAccessError } from '../../errors.js';
import type { ReadyProgress } from '../lab.js';
import { accessError, apiErrorText, GENERIC_ADVICE, type AccessAdvice } from './api-problems.js';
import { apiVersionOf } from '../../k8s/kinds.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { isReady } from '../../k8s/ready.js';

export const FIELD_MANAGER = 'netbreak';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function header(ref: ObjectRef): KubernetesObject & { metadata: { name: string; namespace?: string } } {
  return { apiVersion: apiVersionOf(ref.kind), kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

/**
 * client-node sends and returns its typed models, not wire JSON: timestamps are Dates and some fields have other
 * names (a NetworkPolicy peer's `from` is `_from`), and a plain object's `from` would be dropped on the way out.
 * Its own serializer (behind loadYaml and dumpYaml, its public face) converts both ways.
 */
function toModel(obj: object): KubernetesObject {
  return loadYaml<KubernetesObject>(JSON.stringify(obj));
}

/** The wire JSON of a model client-node returned; `kind` and `apiVersion` say which model (list items carry none). */
function plain<T>(model: unknown, typed?: { apiVersion: string; kind: string }): T {
  return YAML.parse(dumpYaml(typed ? { ...(model as object), ...typed } : model)) as T;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export class KubeApiError extends Error {}

/** Fields the server writes; an object read back (a journal's "before") carries them. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/**
 * What a server-side apply request may carry: the object without the fields
 * the server writes. The API server refuses an apply with managedFields
 * ("metadata.managedFields must be nil") and treats a resourceVersion as a
 * precondition, so an object read earlier could never be applied again.
 */
function applyConfiguration(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  delete copy.status;
  const metadata = copy.metadata as unknown as Record<string, unknown>;
  for (const field of SERVER_METADATA) delete metadata[field];
  return copy;
}

/** Why a workload is not Ready yet, or undefined when it is (kubectl rollout status's rules). */
export function notReadyReason(obj: KubeObject): string | undefined {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const status = (obj.status ?? {}) as Record<string, number | undefined>;
  const generation = obj.metadata.generation ?? 0;
  const observed = (status.observedGeneration ?? 0) >= generation;
  const label = `${obj.kind.toLowerCase()}/${obj.metadata.name}`;
  if (obj.kind === 'Deployment') {
    const want = spec.replicas ?? 1;
    const ready = status.readyReplicas ?? 0;
    if (!observed || ready < want || (status.updatedReplicas ?? 0) < want || (status.replicas ?? 0) > want) return `${label} (${ready}/${want})`;
    return undefined;
  }
  if (obj.kind === 'DaemonSet') {
    const want = status.desiredNumberScheduled ?? 0;
    const ready = status.numberReady ?? 0;
    if (!observed || ready < want || (status.updatedNumberScheduled ?? 0) < want) return `${label} (${ready}/${want})`;
    return undefined;
  }
  if (obj.kind === 'Pod') return isReady(obj) ? undefined : label;
  if (obj.kind === 'Node') return isReady(obj) ? undefined : label;
  return undefined;
}

/**
 * Why a DaemonSet's pods are not yet where its spec puts them, or undefined
 * when they are: one Ready pod on each node it selects and none left, not even
 * a terminating one, on a node it no longer selects. A fault that narrows
 * kube-proxy off a node relies on that pod being gone before its next step.
 */
function daemonSetUnsettled(ds: KubeObject, pods: KubeObject[]): string | undefined {
  const status = (ds.status ?? {}) as Record<string, number | undefined>;
  const label = `daemonset/${ds.metadata.name}`;
  if ((status.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) return `${label} (its controller has not seen the change yet)`;
  const want = status.desiredNumberScheduled ?? 0;
  const own = pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === ds.metadata.name));
  if (own.length > want) return `${label} (${own.length - want} pod(s) still on nodes it no longer selects)`;
  const ready = own.filter((p) => isReady(p) && !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp).length;
  if (ready < want) return `${label} (${ready}/${want} ready)`;
  return undefined;
}

export interface ProxyResponse {
  status: number;
  body: string;
}

export class KubeClient {
  readonly objects: KubernetesObjectApi;
  /** How often waitReady polls; tests shorten it. */
  pollMs = 1000;
  /** What the backend tells the user when this cluster does not answer or refuses netbreak. */
  advice: AccessAdvice = GENERIC_ADVICE;

  constructor(readonly config: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(config);
  }

  /** A client for one kubeconfig file and context (the file's current context when none is given). */
  static fromFile(file: string, context?: string): KubeClient {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ClusterAccessError(
          `the kubeconfig ${file} is gone${context ? ` (context ${context})` : ''}: run "netbreak clean" to remove the lab that used it, then start again`,
          4,
          { cause: error },
        );
      }
      throw new KubeApiError(
        `the kubeconfig ${file} cannot be read (${(error as Error).message.split('\n')[0]}): fix it, or point --kubeconfig at another file`,
        { cause: error },
      );
    }
    if (context) {
      if (!kc.getContextObject(context)) {
        throw new KubeApiError(
          `the kubeconfig ${file} has no context "${context}": its contexts are ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || 'none'
          }`,
        );
      }
      kc.setCurrentContext(context);
    }
    return new KubeClient(kc);
  }

  /** An API failure as one error: the environment's (ClusterAccessError, with the backend's advice) or netbreak's request. */
  private wrap(what: string, error: unknown): never {
    throw accessError(error, this.server, this.advice) ?? new KubeApiError(`${what} failed (${apiErrorText(error)})`, { cause: error });
  }

  get server(): string {
    return this.config.getCurrentCluster()?.server ?? '';
  }

  /** Server-side apply: the object given becomes netbreak's whole intent for it. */
  async apply(obj: KubeObject): Promise<KubeObject> {
    try {
      const applied = await this.objects.patch(toModel(applyConfiguration(obj)), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      return plain<KubeObject>(applied);
    } catch (error) {
      this.wrap(`applying ${describeRef(obj)}`, error);
    }
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const body = toModel({ ...header(ref), ...patch, metadata: { ...((patch.metadata as object | undefined) ?? {}), ...header(ref).metadata } });
    try {
      return plain<KubeObject>(await this.objects.patch(body, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
    } catch (error) {
      this.wrap(`patching ${describeRef(ref)}`, error);
    }
  }

  /** Deletes one object (its dependents in the background, as kubectl does); false when it did not exist. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.objects.delete(header(ref), undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      this.wrap(`deleting ${describeRef(ref)}`, error);
    }
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return plain<KubeObject>(await this.objects.read(header(ref)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      this.wrap(`reading ${describeRef(ref)}`, error);
    }
  }

  async list(kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const apiVersion = apiVersionOf(kind);
    try {
      const list = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
      // List items carry no apiVersion/kind on the wire; put them back so every object is whole.
      return list.items.map((item) => plain<KubeObject>(item, { apiVersion, kind }));
    } catch (error) {
      this.wrap(`listing ${kind}${namespace ? ` in namespace ${namespace}` : ''}`, error);
    }
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.mergePatch(ref, { spec: { replicas } });
  }

  /** What `kubectl rollout restart` does: a new pod-template annotation, so the controller replaces every pod. */
  async restart(ref: ObjectRef, now = new Date()): Promise<void> {
    await this.mergePatch(ref, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now.toISOString() } } } } });
  }

  /** Waits until every given workload, pod or node is Ready; absent objects count as ready (there is nothing to wait for). */
  async waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    const until = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const pending: string[] = [];
      for (const ref of refs) {
        const obj = await this.get(ref);
        const reason = obj ? notReadyReason(obj) : undefined;
        if (reason) pending.push(reason);
      }
      if (pending.length === 0) return;
      const message = `waiting for ${pending.join(', ')}`;
      if (message !== last) progress?.(message);
      last = message;
      if (Date.now() > until) throw new KubeApiError(`not ready after ${Math.round(timeoutMs / 1000)} s: ${pending.join(', ')}`);
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Waits until a DaemonSet's pods run exactly where it now selects (see daemonSetUnsettled). */
  async waitDaemonSetSettled(ref: ObjectRef, timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ds = await this.get(ref);
      if (!ds) return;
      const matchLabels = ((ds.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {}) as Record<
        string,
        string
      >;
      const selector = Object.entries(matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const reason = daemonSetUnsettled(ds, await this.list('Pod', ref.namespace, selector || undefined));
      if (!reason) return;
      progress?.(`waiting for ${reason}`);
      if (Date.now() > until) throw new KubeApiError(`not settled after ${Math.round(timeoutMs / 1000)} s: ${reason}`);
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** Waits until no object of `kind` matches the selector (namespaces being deleted finish their finalizers). */
  async waitGone(kind: string, labelSelector: string, timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const left = await this.list(kind, undefined, labelSelector);
      if (left.length === 0) return;
      progress?.(`waiting for ${left.map((o) => o.metadata.name).join(', ')} to go`);
      if (Date.now() > until)
        throw new KubeApiError(
          `still there after ${Math.round(timeoutMs / 1000)} s: ${left.map((o) => `${kind.toLowerCase()}/${o.metadata.name}`).join(', ')}`,
        );
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /**
   * GET `path` (with its query) on a pod's port through the API server's pod
   * proxy: /api/v1/namespaces/NS/pods/POD:PORT/proxy/PATH. A non-2xx answer
   * from the pod is returned, not thrown; only transport failures throw.
   */
  async proxyGet(namespace: string, pod: string, port: number, pathAndQuery: string, timeoutMs: number): Promise<ProxyResponse> {
    const base = new URL(this.server);
    const prefix = base.pathname.replace(/\/$/, '');
    const target = new URL(
      `${prefix}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy/${pathAndQuery.replace(/^\//, '')}`,
      base,
    );
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: '*/*' } };
    await this.config.applyToHTTPSOptions(options);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<ProxyResponse>((resolve, reject) => {
      const request = transport.request(target, { ...options, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new ProxyTimeoutError(`no answer through the pod proxy within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end();
    });
  }
}

export class ProxyTimeoutError extends Error {}

function describeRef(ref: ObjectRef | KubeObject): string {
  const r = 'metadata' in ref ? { kind: ref.kind, namespace: ref.metadata.namespace, name: ref.metadata.name } : ref;
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}
