// The lab supervisor: the embedded control plane of one netns lab. It owns the
// object store, runs the controllers, the kubelet and the node agents, and
// answers the CLI over a Unix socket. It reconciles after every change, so the
// data plane follows an object change within a fraction of a second.
import http from 'node:http';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import type { ProbeResult } from '../lab.js';
import { mergePatch } from '../merge-patch.js';
import { parseProbeUrl, ProbeUrlError } from '../probe-url.js';
import { admit, AdmissionError } from './admission.js';
import { reconcileDeployments } from './controllers/deployments.js';
import { reconcileReplicaSets } from './controllers/replicasets.js';
import { reconcileWorkloadStatus } from './controllers/workload-status.js';
import { reconcileDaemonSets, reconcileUnscheduled } from './controllers/workloads.js';
import { evictUntoleratedPods } from './controllers/taint-eviction.js';
import { reconcileEndpoints } from './controllers/endpoints.js';
import { findPod } from '../find-pod.js';
import { labFiles, podControlSocket } from './names.js';
import { NodeAgents } from './node-agents.js';
import { containerFieldPath, involvedObjectOf, recordEvent } from './events.js';
import { type KubeletEvent, PodRuntime } from './pod-runtime.js';
import { ObjectStore } from './store.js';
import { nodeObjects, systemObjects } from './system-objects.js';
import type { Topology } from './topology.js';

export class NotFoundError extends Error {}
class AgentDownError extends Error {}

/** How long a probe waits for the agent of a pod that is still starting. */
const POD_START_GRACE_MS = 5000;

export class Supervisor {
  readonly store: ObjectStore;
  private readonly runtime: PodRuntime;
  private readonly agents: NodeAgents;
  private running = false;
  private dirty = false;
  private idle: (() => void)[] = [];
  lastError?: string;

  constructor(
    readonly lab: string,
    readonly topology: Topology,
  ) {
    this.store = new ObjectStore(labFiles(lab).store);
    this.runtime = new PodRuntime(
      lab,
      topology,
      (pod, status) => this.setPodStatus(pod, status),
      () => this.kick(),
      (pod, event) => this.recordKubeletEvent(pod, event),
    );
    this.agents = new NodeAgents(lab, topology);
    // Events are for people (kubectl describe, get events): no controller reads them, so storing one (every failed
    // readiness probe does) starts no reconcile pass; any other change does, once per burst of writes.
    let reconcileNeeded = false;
    this.store.onEvent((change) => {
      if (change.object.kind !== 'Event') reconcileNeeded = true;
    });
    this.store.onChange(() => {
      if (!reconcileNeeded) return;
      reconcileNeeded = false;
      this.kick();
    });
  }

  /** Seeds an empty store with the nodes and kube-system, then starts reconciling. */
  start(): void {
    for (const obj of [...nodeObjects(this.topology), ...systemObjects(this.topology)]) this.store.put(admit(this.store, this.topology, obj));
    this.kick();
  }

  /** Resolves once a reconcile pass has finished with nothing left to do. */
  settled(): Promise<void> {
    if (!this.running && !this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  kick(): void {
    this.dirty = true;
    if (!this.running) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    while (this.dirty) {
      this.dirty = false;
      try {
        this.garbageCollect();
        evictUntoleratedPods(this.store);
        reconcileDeployments(this.store);
        reconcileReplicaSets(this.store);
        reconcileDaemonSets(this.store);
        reconcileUnscheduled(this.store);
        reconcileEndpoints(this.store);
        await this.runtime.sync(this.store.list('Pod'), this.store.list('ConfigMap'));
        await this.agents.sync(this.store, this.runtime.running());
        reconcileWorkloadStatus(this.store);
        this.lastError = undefined;
      } catch (error) {
        this.lastError = (error as Error).message;
        console.error(`reconcile failed: ${this.lastError}`);
        // Try again shortly rather than spinning on a persistent error.
        setTimeout(() => this.kick(), 1000);
      }
    }
    this.running = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Deletes objects whose owner or namespace is gone, as the garbage collector and namespace controller do. */
  private garbageCollect(): void {
    const namespaces = new Set(this.store.list('Namespace').map((n) => n.metadata.name));
    const uids = new Set<string>();
    for (const kind of ['Deployment', 'ReplicaSet', 'DaemonSet', 'Service']) for (const o of this.store.list(kind)) uids.add(o.metadata.uid!);
    // ReplicaSets before Pods: a Deployment's pods go in the same pass as the ReplicaSet between them.
    for (const kind of ['ReplicaSet', 'Pod', 'Service', 'Deployment', 'DaemonSet', 'ConfigMap', 'NetworkPolicy', 'EndpointSlice', 'Endpoints', 'Event']) {
      for (const obj of this.store.list(kind)) {
        const orphan = (obj.metadata.ownerReferences ?? []).some((r) => r.controller && !uids.has(r.uid));
        if (!orphan && namespaces.has(obj.metadata.namespace!)) continue;
        this.store.delete({ kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
        uids.delete(obj.metadata.uid!);
      }
    }
  }

  private setPodStatus(pod: { namespace: string; name: string; uid: string }, status: Record<string, unknown>): void {
    const current = this.store.get({ kind: 'Pod', namespace: pod.namespace, name: pod.name });
    if (!current || current.metadata.uid !== pod.uid) return;
    // The debug containers kubectl debug added (api-server/pod-ephemeral-containers.ts) keep their status.
    const ephemeral = (current.status as { ephemeralContainerStatuses?: unknown } | undefined)?.ephemeralContainerStatuses;
    if (ephemeral) status = { ...status, ephemeralContainerStatuses: ephemeral };
    if (JSON.stringify(current.status) === JSON.stringify(status)) return;
    this.store.put({ ...current, status });
  }

  /** kubelet's events about a pod, kept while the pod is the one the runtime ran (not a newer pod of the same name). */
  private recordKubeletEvent(pod: { namespace: string; name: string; uid: string; node: string }, event: KubeletEvent): void {
    const current = this.store.get({ kind: 'Pod', namespace: pod.namespace, name: pod.name });
    const involvedObject =
      current?.metadata.uid === pod.uid
        ? involvedObjectOf(current, event.container ? containerFieldPath(event.container) : undefined)
        : {
            kind: 'Pod',
            apiVersion: 'v1',
            namespace: pod.namespace,
            name: pod.name,
            uid: pod.uid,
            ...(event.container ? { fieldPath: containerFieldPath(event.container) } : {}),
          };
    recordEvent(this.store, {
      involvedObject,
      source: { component: 'kubelet', host: pod.node },
      type: event.type,
      reason: event.reason,
      message: event.message,
    });
  }

  /**
   * Applies a whole file or nothing: a dry run on a copy of the store finds the first bad object before any is stored.
   * With dryRun (kubectl's --dry-run=server) the copy's answer is all there is.
   */
  apply(objects: KubeObject[], options: { dryRun?: boolean } = {}): KubeObject[] {
    const tried = this.applyTo(this.store.fork(), objects);
    if (options.dryRun) return tried;
    const applied = this.applyTo(this.store, objects);
    this.kick();
    return applied;
  }

  private applyTo(store: ObjectStore, objects: KubeObject[]): KubeObject[] {
    // A Namespace in the same file counts for the objects that come before it, as with kubectl apply -f.
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
      if (!store.get({ kind: 'Namespace', name: ns.metadata.name })) store.put(admit(store, this.topology, ns));
    }
    return objects.map((obj) => store.put(admit(store, this.topology, obj)));
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return this.store.get(ref);
  }

  delete(ref: ObjectRef): boolean {
    const deleted = this.store.delete(ref) !== undefined;
    this.kick();
    return deleted;
  }

  patch(ref: ObjectRef, patch: Record<string, unknown>): KubeObject {
    const current = this.store.get(ref);
    if (!current) throw new NotFoundError(`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} not found`);
    const patched = this.store.put(admit(this.store, this.topology, mergePatch(current, patch) as KubeObject));
    // Start reconciling now, not in the store's microtask, so settled() waits for this change.
    this.kick();
    return patched;
  }

  scale(ref: ObjectRef, replicas: number): void {
    this.patch(ref, { spec: { replicas } });
  }

  restart(ref: ObjectRef): void {
    this.patch(ref, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
  }

  /** `ns/name`: a pod by name, or the first ready pod of a Deployment. */
  findPod(from: string): KubeObject {
    const [namespace, name] = from.split('/') as [string, string];
    const pod = findPod(this.store.list('Pod', namespace), name);
    if (!pod) throw new NotFoundError(`no pod ${from} (and no Deployment ${from} with pods) in the lab`);
    return pod;
  }

  async probe(from: string, to: string, timeoutMs = 1000): Promise<ProbeResult> {
    parseProbeUrl(to);
    // A pod that was just created (a rollout, a fix that replaced it) has no agent
    // for a moment; wait for it as `kubectl wait` would, rather than fail the probe.
    const until = Date.now() + POD_START_GRACE_MS;
    for (;;) {
      const pod = this.findPod(from);
      try {
        return await this.probeFrom(pod, from, to, timeoutMs);
      } catch (error) {
        if (!(error instanceof AgentDownError) || Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private probeFrom(pod: KubeObject, from: string, to: string, timeoutMs: number): Promise<ProbeResult> {
    const body = JSON.stringify({ to, timeoutMs });
    return new Promise((resolve, reject) => {
      const req = http.request(
        { socketPath: podControlSocket(this.lab, pod.metadata.uid!), path: '/probe', method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode === 200) resolve(JSON.parse(text) as ProbeResult);
            else reject(new Error(`pod ${from} could not send the probe: ${text}`));
          });
        },
      );
      req.on('error', () => reject(new AgentDownError(`pod ${pod.metadata.namespace}/${pod.metadata.name} is not running (its agent does not answer)`)));
      req.end(body);
    });
  }
}

export function isUserError(error: unknown): boolean {
  return error instanceof AdmissionError || error instanceof NotFoundError || error instanceof ProbeUrlError;
}
