// Deployment and DaemonSet controllers plus the scheduler: turn workloads into
// Pod objects on nodes, as kube-controller-manager and kube-scheduler would.
import { createHash, randomInt } from 'node:crypto';
import type { KubeObject } from '../../../k8s/objects.js';
import type { ObjectStore } from '../store.js';
import type { V1LabelSelector } from '@kubernetes/client-node';
import { matchesLabelSelector } from '../../../k8s/netpol/selector.js';
import { daemonPodTolerations, nodeTaints, untoleratedTaint, type Toleration } from '../../../k8s/tolerations.js';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostNetwork?: boolean;
  tolerations?: Toleration[];
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions?: V1LabelSelector['matchExpressions'] }[] } } };
  containers: { name: string; image?: string; args?: string[]; command?: string[]; ports?: { name?: string; containerPort: number; protocol?: string }[]; readinessProbe?: unknown }[];
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
  hostname?: string;
  subdomain?: string;
}

function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

/** Like Kubernetes' pod-template-hash: stable for one template, new after any change (e.g. rollout restart). */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += NAME_ALPHABET[digest[i]! % NAME_ALPHABET.length];
  return out;
}

function ownedBy(pod: KubeObject, owner: KubeObject): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

function newPod(owner: KubeObject, template: PodTemplate, name: string, extraLabels: Record<string, string>, nodeName?: string): KubeObject {
  const spec = structuredClone(template.spec);
  if (nodeName) spec.nodeName = nodeName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...extraLabels },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true }],
    },
    spec,
    status: { phase: 'Pending' },
  };
}

/** The node's labels satisfy the pod's nodeSelector and required node affinity. */
function nodeSelected(node: KubeObject, spec: PodSpec): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !(terms && terms.length > 0 && !terms.some((t) => matchesLabelSelector({ matchExpressions: t.matchExpressions ?? [] }, labels)));
}

/** A new pod may be placed there: selected, and every NoSchedule and NoExecute taint tolerated (the scheduler's TaintToleration filter). */
function nodeMatches(node: KubeObject, spec: PodSpec): boolean {
  return nodeSelected(node, spec) && !untoleratedTaint(nodeTaints(node), spec.tolerations ?? [], ['NoSchedule', 'NoExecute']);
}

/** Picks the least busy node that the pod's selectors and tolerations allow; undefined when none fits. */
export function schedule(store: ObjectStore, spec: PodSpec): string | undefined {
  const load = new Map<string, number>();
  for (const pod of store.list('Pod')) {
    const n = (pod.spec as PodSpec).nodeName;
    if (n) load.set(n, (load.get(n) ?? 0) + 1);
  }
  let best: { name: string; load: number } | undefined;
  for (const node of store.list('Node').sort((a, b) => nodeOrder(a) - nodeOrder(b))) {
    if (!nodeMatches(node, spec)) continue;
    const l = load.get(node.metadata.name) ?? 0;
    if (!best || l < best.load) best = { name: node.metadata.name, load: l };
  }
  return best?.name;
}

function nodeOrder(node: KubeObject): number {
  return Number(node.metadata.annotations?.['netbreak.dev/index'] ?? 0);
}

/** One pass of the Deployment controller; returns true when it changed the store. */
export function reconcileDeployments(store: ObjectStore): boolean {
  let changed = false;
  for (const deploy of store.list('Deployment')) {
    const spec = deploy.spec as { replicas: number; selector: V1LabelSelector; template: PodTemplate };
    const hash = templateHash(spec.template);
    const pods = store.list('Pod', deploy.metadata.namespace).filter((p) => ownedBy(p, deploy));
    const current = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    for (const stale of pods.filter((p) => !current.includes(p))) {
      store.delete({ kind: 'Pod', namespace: stale.metadata.namespace, name: stale.metadata.name });
      changed = true;
    }
    for (const extra of current.slice(spec.replicas)) {
      store.delete({ kind: 'Pod', namespace: extra.metadata.namespace, name: extra.metadata.name });
      changed = true;
    }
    for (let i = current.length; i < spec.replicas; i++) {
      const nodeName = spec.template.spec.nodeName ?? schedule(store, spec.template.spec);
      const name = `${deploy.metadata.name}-${hash}-${randomSuffix()}`;
      store.put(newPod(deploy, spec.template, name, { 'pod-template-hash': hash }, nodeName));
      changed = true;
    }
  }
  return changed;
}

/** One pass of the DaemonSet controller: one pod on every node its selector and tolerations allow. */
export function reconcileDaemonSets(store: ObjectStore): boolean {
  let changed = false;
  const nodes = store.list('Node');
  for (const ds of store.list('DaemonSet')) {
    const spec = ds.spec as { template: PodTemplate };
    const hash = templateHash(spec.template);
    const pods = store.list('Pod', ds.metadata.namespace).filter((p) => ownedBy(p, ds));
    // Every daemon pod carries the controller's own tolerations besides the template's.
    const template = { ...spec.template, spec: { ...spec.template.spec, tolerations: [...(spec.template.spec.tolerations ?? []), ...daemonPodTolerations(Boolean(spec.template.spec.hostNetwork))] } };
    const wanted = new Set(nodes.filter((n) => nodeMatches(n, template.spec)).map((n) => n.metadata.name));
    // Upstream's NodeShouldRunDaemonPod: a daemon already on a node keeps running there unless a
    // NoExecute taint is untolerated; a NoSchedule taint only keeps new pods off.
    const mayStay = new Set(
      nodes.filter((n) => nodeSelected(n, template.spec) && !untoleratedTaint(nodeTaints(n), template.spec.tolerations, ['NoExecute'])).map((n) => n.metadata.name),
    );
    const covered = new Set<string>();
    for (const pod of pods) {
      const node = (pod.spec as PodSpec).nodeName!;
      if (!mayStay.has(node) || covered.has(node) || pod.metadata.labels?.['controller-revision-hash'] !== hash) {
        store.delete({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
        changed = true;
      } else covered.add(node);
    }
    for (const node of wanted) {
      if (covered.has(node)) continue;
      store.put(newPod(ds, template, `${ds.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash }, node));
      changed = true;
    }
  }
  return changed;
}

/** Bare pods created without a node get one, as kube-scheduler would. */
export function reconcileUnscheduled(store: ObjectStore): boolean {
  let changed = false;
  for (const pod of store.list('Pod')) {
    const spec = pod.spec as PodSpec;
    if (spec.nodeName) continue;
    const nodeName = schedule(store, spec);
    if (nodeName) {
      store.put({ ...pod, spec: { ...spec, nodeName } });
      changed = true;
    }
  }
  return changed;
}

function readyPod(pod: KubeObject): boolean {
  return ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Deployment and DaemonSet status counters, as `kubectl get deploy,ds` shows them. */
export function reconcileWorkloadStatus(store: ObjectStore): void {
  const update = (obj: KubeObject, status: Record<string, number>) => {
    if (JSON.stringify(obj.status) !== JSON.stringify(status)) store.put({ ...obj, status });
  };
  for (const d of store.list('Deployment')) {
    const pods = store.list('Pod', d.metadata.namespace).filter((p) => ownedBy(p, d));
    const ready = pods.filter(readyPod).length;
    update(d, { replicas: pods.length, updatedReplicas: pods.length, readyReplicas: ready, availableReplicas: ready });
  }
  for (const ds of store.list('DaemonSet')) {
    const pods = store.list('Pod', ds.metadata.namespace).filter((p) => ownedBy(p, ds));
    const ready = pods.filter(readyPod).length;
    update(ds, { desiredNumberScheduled: pods.length, currentNumberScheduled: pods.length, numberReady: ready, updatedNumberScheduled: pods.length, numberAvailable: ready });
  }
}
