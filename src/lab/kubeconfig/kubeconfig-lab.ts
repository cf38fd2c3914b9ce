// The Lab contract on an existing, shared cluster: everything happens in the
// learner's own copies of the scenario's namespaces (`shop` → `nb-alice-shop`),
// which netbreak creates and labels. It refuses node-level steps and any change
// in a namespace it did not create, each with one sentence saying why.
import { kubeconfigCapabilities } from './capabilities.js';
import type { Lab, ProbeRequest, ProbeResult, ReadyProgress } from '../lab.js';
import type { ExecResult } from '../../exec.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { ApiLab } from '../kube-api/api-lab.js';
import { LAB_LABEL, MANAGED_BY } from '../kube-api/labels.js';
import type { KubeClient } from '../kube-api/kube-client.js';
import { unchangedNodeNames } from '../kube-api/node-names.js';
import { readClusterRecord, writeLabRecord } from '../state.js';
import { LEARNER_LABEL, NamespaceMap, NamespaceRefusedError } from './namespaces.js';

export class NodeLevelRefusedError extends Error {}

export interface KubeconfigLabOptions {
  name: string;
  client: KubeClient;
  kubeconfigFile: string;
  context: string;
  learner: string;
}

export class KubeconfigLab implements Lab {
  readonly name: string;
  readonly backend = 'kubeconfig';
  readonly capabilities = kubeconfigCapabilities;
  readonly map: NamespaceMap;
  private readonly inner: ApiLab;
  private readonly client: KubeClient;

  constructor(private readonly options: KubeconfigLabOptions) {
    this.name = options.name;
    this.client = options.client;
    this.map = new NamespaceMap(options.learner);
    this.inner = new ApiLab({
      name: options.name,
      client: options.client,
      kubeconfigFile: options.kubeconfigFile,
      context: options.context,
      nodeNames: unchangedNodeNames,
    });
  }

  /** Scenario names of the namespaces this lab created (kept in its record, so every command sees them). */
  createdNamespaces(): string[] {
    return readClusterRecord(this.name, 'kubeconfig')?.namespaces ?? [];
  }

  private remember(namespace: string): void {
    const record = readClusterRecord(this.name, 'kubeconfig');
    if (record && !(record.namespaces ?? []).includes(namespace)) writeLabRecord({ ...record, namespaces: [...(record.namespaces ?? []), namespace] });
  }

  private labels(): Record<string, string> {
    return { ...MANAGED_BY, [LAB_LABEL]: this.name, [LEARNER_LABEL]: this.options.learner };
  }

  private refuseOutside(what: string, namespace: string | undefined): never {
    throw new NamespaceRefusedError(
      `the kubeconfig backend changes only the namespaces it created for learner ${this.options.learner}, so it will not change ${what}${namespace ? ` in namespace ${namespace}` : ''}: run this scenario on the kind or netns backend`,
    );
  }

  /** The cluster namespace for a change; refuses system namespaces and any namespace this lab did not create. */
  private async writableNamespace(namespace: string, what: string, create: boolean): Promise<string> {
    if (this.map.isSystem(namespace)) this.refuseOutside(what, namespace);
    const mapped = this.map.toCluster(namespace);
    const name = this.map.fromCluster(mapped)!;
    if (!this.createdNamespaces().includes(name)) {
      // apply makes the learner's copy of a namespace on first use; patch and delete never create one.
      if (!create) this.refuseOutside(what, namespace);
      await this.ensureNamespace(name, what);
    }
    return mapped;
  }

  /** Creates the learner's copy of a namespace, unless a namespace of that name exists that netbreak did not make for this learner. */
  private async ensureNamespace(namespace: string, what: string, given?: KubeObject): Promise<void> {
    const mapped = this.map.toCluster(namespace);
    const existing = await this.client.get({ kind: 'Namespace', name: mapped });
    const labels = existing?.metadata.labels ?? {};
    if (existing && (labels[LEARNER_LABEL] !== this.options.learner || labels[LAB_LABEL] !== this.name)) {
      throw new NamespaceRefusedError(
        `namespace ${mapped} already exists and netbreak did not create it for learner ${this.options.learner} in lab ${this.name}, so it will not change ${what}: pick another --learner name`,
      );
    }
    const obj = this.map.object(given ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), ...this.labels() };
    // Recorded before it is made, so a crash in between still lets `stop` find it.
    this.remember(namespace);
    await this.client.apply(obj);
  }

  private ref(ref: ObjectRef, what: string): ObjectRef {
    if (ref.kind === 'Namespace') return { ...ref, name: this.map.toCluster(ref.name) };
    if (!ref.namespace) this.refuseOutside(what, undefined);
    return { ...ref, namespace: this.map.toCluster(ref.namespace) };
  }

  private describe(obj: { kind: string; namespace?: string; name: string }): string {
    return obj.namespace ? `${obj.kind}/${obj.namespace}/${obj.name}` : `${obj.kind}/${obj.name}`;
  }

  private async writableRef(ref: ObjectRef): Promise<ObjectRef> {
    const what = this.describe(ref);
    if (ref.kind === 'Namespace') {
      if (this.map.isSystem(ref.name) || !this.createdNamespaces().includes(ref.name)) this.refuseOutside(what, undefined);
      return this.ref(ref, what);
    }
    if (!ref.namespace) this.refuseOutside(what, undefined);
    await this.writableNamespace(ref.namespace, what, false);
    return this.ref(ref, what);
  }

  async health(): Promise<{ ok: boolean; lastError: string | null }> {
    try {
      await this.client.list('Namespace', undefined, `${LEARNER_LABEL}=${this.options.learner}`);
      return { ok: true, lastError: null };
    } catch (error) {
      return { ok: false, lastError: (error as Error).message };
    }
  }

  async apply(objects: KubeObject[]): Promise<KubeObject[]> {
    const applied: KubeObject[] = [];
    for (const obj of objects) {
      const what = this.describe({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
      if (obj.kind === 'Namespace') {
        if (this.map.isSystem(obj.metadata.name)) this.refuseOutside(what, undefined);
        await this.ensureNamespace(obj.metadata.name, what, obj);
        applied.push(this.map.objectBack((await this.client.get({ kind: 'Namespace', name: this.map.toCluster(obj.metadata.name) }))!));
        continue;
      }
      if (!obj.metadata.namespace) this.refuseOutside(what, undefined);
      await this.writableNamespace(obj.metadata.namespace, what, true);
      const [result] = await this.inner.apply([this.withLearner(this.map.object(obj))]);
      applied.push(this.map.objectBack(result!));
    }
    return applied;
  }

  private withLearner(obj: KubeObject): KubeObject {
    return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), [LEARNER_LABEL]: this.options.learner } } };
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    return this.client.delete(await this.writableRef(ref));
  }

  async patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    return this.map.objectBack(await this.client.mergePatch(await this.writableRef(ref), patch));
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.client.scale(await this.writableRef(ref), replicas);
  }

  async restart(ref: ObjectRef): Promise<void> {
    await this.client.restart(await this.writableRef(ref));
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    if (ref.kind === 'Node') return this.client.get(ref);
    const obj = await this.client.get(this.ref(ref, this.describe(ref)));
    return obj && this.map.objectBack(obj);
  }

  /** Lists in one namespace, or across this learner's namespaces (never the whole shared cluster). */
  async list(kind: string, namespace?: string): Promise<KubeObject[]> {
    if (kind === 'Node') return this.client.list('Node');
    if (kind === 'Namespace')
      return (await this.client.list('Namespace', undefined, `${LEARNER_LABEL}=${this.options.learner},${LAB_LABEL}=${this.name}`)).map((o) =>
        this.map.objectBack(o),
      );
    const namespaces = namespace ? [this.map.toCluster(namespace)] : this.createdNamespaces().map((n) => this.map.toCluster(n));
    const lists = await Promise.all(namespaces.map((ns) => this.client.list(kind, ns)));
    return lists.flat().map((o) => this.map.objectBack(o));
  }

  waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    return this.client.waitReady(
      refs.map((r) => this.ref(r, this.describe(r))),
      timeoutMs,
      progress,
    );
  }

  async nodes(): Promise<string[]> {
    return (await this.client.list('Node')).map((n) => n.metadata.name);
  }

  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    throw new NodeLevelRefusedError(
      `the kubeconfig backend works only inside learner namespaces, so it refuses node-level steps ("${argv.join(' ')}" on node ${node}): run this scenario on the kind or netns backend`,
    );
  }

  async podExec(namespace: string, pod: string, argv: string[]): Promise<ExecResult> {
    return this.inner.podExec(this.map.toCluster(namespace), pod, argv);
  }

  shellCommand(target: { node: string } | { namespace: string; pod: string }, argv: string[] = []): string[] {
    if ('node' in target) {
      throw new NodeLevelRefusedError(
        `the kubeconfig backend works only inside learner namespaces, so it gives no shell on node ${target.node}: use a pod shell, or the kind or netns backend`,
      );
    }
    return this.inner.shellCommand({ namespace: this.map.toCluster(target.namespace), pod: target.pod }, argv);
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    return this.inner.probe(this.mapProbe(request));
  }

  async probeMany(requests: ProbeRequest[]): Promise<(ProbeResult | { error: string })[]> {
    return this.inner.probeMany(requests.map((r) => this.mapProbe(r)));
  }

  private mapProbe(request: ProbeRequest): ProbeRequest {
    return { ...request, from: this.map.podRef(request.from), to: this.map.probeUrl(request.to, new Set(this.createdNamespaces())) };
  }
}
