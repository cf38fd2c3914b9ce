// The DaemonSet controller and the scheduler, and how every workload controller makes a
// pod (deployments.ts and replicasets.ts use them): Pod objects on nodes, as
// kube-controller-manager and kube-scheduler would.
import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../../k8s/objects.js';
import type { ObjectStore } from '../store.js';
import type { V1LabelSelector } from '@kubernetes/client-node';
import { matchesLabelSelector } from '../../../k8s/netpol/selector.js';
import { involvedObjectOf, recordEvent } from '../events.js';
import { templateHash } from '../../../k8s/pod-template-hash.js';
import { isReady } from '../../../k8s/ready.js';
import { daemonPodTolerations, nodeTaints, untoleratedTaint, type Toleration } from '../../../k8s/tolerations.js';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostNetwork?: boolean;
  tolerations?: Toleration[];
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions?: V1LabelSelector['matchExpressions'] }[] } };
  };
  containers: {
    name: string;
    image?: string;
    args?: string[];
    command?: string[];
    ports?: { name?: string; containerPort: number; protocol?: string }[];
    readinessProbe?: unknown;
  }[];
  dnsPolicy?: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] } }[];
  hostname?: string;
  subdomain?: string;
}

/** The five characters the API server's name generator appends to a generateName. */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

export function ownedBy(pod: KubeObject, owner: KubeObject): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

export function newPod(owner: KubeObject, template: PodTemplate, name: string, extraLabels: Record<string, string>, nodeName?: string): KubeObject {
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
      ownerReferences: [
        { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
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

/**
 * Why the pod cannot go on the node, in kube-scheduler's words, checked in its filter order (taints before
 * node affinity): every NoSchedule and NoExecute taint must be tolerated; undefined when it fits.
 */
function nodeMisfit(node: KubeObject, spec: PodSpec): string | undefined {
  const untolerated = untoleratedTaint(nodeTaints(node), spec.tolerations ?? [], ['NoSchedule', 'NoExecute']);
  if (untolerated) return `node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`;
  if (!nodeSelected(node, spec)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

function nodeMatches(node: KubeObject, spec: PodSpec): boolean {
  return nodeMisfit(node, spec) === undefined;
}

/** kube-scheduler's FailedScheduling message: each reason with how many nodes gave it, sorted as it sorts them. */
function failedSchedulingMessage(nodes: KubeObject[], spec: PodSpec): string {
  const counts = new Map<string, number>();
  for (const node of nodes) {
    const why = nodeMisfit(node, spec);
    if (why) counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  const reasons = [...counts].map(([why, n]) => `${n} ${why}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const total = nodes.length;
  return `0/${total} nodes are available: ${reasons.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
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

/** The events a controller reports about the pods it creates and deletes, and the scheduler about pods it places. */
const DAEMONSET_CONTROLLER = { component: 'daemonset-controller' };
const SCHEDULER = { component: 'default-scheduler' };

export function recordScheduled(store: ObjectStore, pod: KubeObject): void {
  const node = (pod.spec as PodSpec).nodeName;
  const message = `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`;
  recordEvent(store, { involvedObject: involvedObjectOf(pod), source: SCHEDULER, type: 'Normal', reason: 'Scheduled', message });
}

/**
 * Why a pod stays Pending. Recorded once per reason: every reconcile pass asks again, and an Event written each
 * time would itself start the next pass.
 */
function recordFailedScheduling(store: ObjectStore, pod: KubeObject): void {
  const message = failedSchedulingMessage(store.list('Node'), pod.spec as PodSpec);
  const known = store
    .list('Event', pod.metadata.namespace)
    .some((e) => e.reason === 'FailedScheduling' && (e.involvedObject as { uid?: string }).uid === pod.metadata.uid && e.message === message);
  if (!known) recordEvent(store, { involvedObject: involvedObjectOf(pod), source: SCHEDULER, type: 'Warning', reason: 'FailedScheduling', message });
}

/** A controller's account of a pod it made or removed: "Created pod: api-6b8f9c7d54-x2x7q". */
export function recordPodChange(store: ObjectStore, owner: KubeObject, source: { component: string }, pod: KubeObject, created: boolean): void {
  const [reason, verb] = created ? ['SuccessfulCreate', 'Created'] : ['SuccessfulDelete', 'Deleted'];
  recordEvent(store, { involvedObject: involvedObjectOf(owner), source, type: 'Normal', reason, message: `${verb} pod: ${pod.metadata.name}` });
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
    const template = {
      ...spec.template,
      spec: {
        ...spec.template.spec,
        tolerations: [...(spec.template.spec.tolerations ?? []), ...daemonPodTolerations(Boolean(spec.template.spec.hostNetwork))],
      },
    };
    const wanted = new Set(nodes.filter((n) => nodeMatches(n, template.spec)).map((n) => n.metadata.name));
    // Upstream's NodeShouldRunDaemonPod: a daemon already on a node keeps running there unless a
    // NoExecute taint is untolerated; a NoSchedule taint only keeps new pods off.
    const mayStay = new Set(
      nodes
        .filter((n) => nodeSelected(n, template.spec) && !untoleratedTaint(nodeTaints(n), template.spec.tolerations, ['NoExecute']))
        .map((n) => n.metadata.name),
    );
    const covered = new Set<string>();
    for (const pod of pods) {
      const node = (pod.spec as PodSpec).nodeName!;
      if (!mayStay.has(node) || covered.has(node) || pod.metadata.labels?.['controller-revision-hash'] !== hash) {
        store.delete({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
        recordPodChange(store, ds, DAEMONSET_CONTROLLER, pod, false);
        changed = true;
      } else covered.add(node);
    }
    for (const node of wanted) {
      if (covered.has(node)) continue;
      const pod = store.put(newPod(ds, template, `${ds.metadata.name}-${randomSuffix()}`, { 'controller-revision-hash': hash }, node));
      recordPodChange(store, ds, DAEMONSET_CONTROLLER, pod, true);
      // DaemonSet pods go through the scheduler too (pinned to their node by affinity), so the scheduler reports them.
      recordScheduled(store, pod);
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
      recordScheduled(store, store.put({ ...pod, spec: { ...spec, nodeName } }));
      changed = true;
    } else recordFailedScheduling(store, pod);
  }
  return changed;
}

/** DaemonSet status counters, as `kubectl get ds` shows them. */
export function reconcileDaemonSetStatus(store: ObjectStore): void {
  for (const ds of store.list('DaemonSet')) {
    const pods = store.list('Pod', ds.metadata.namespace).filter((p) => ownedBy(p, ds));
    const ready = pods.filter(isReady).length;
    putStatus(store, ds, {
      desiredNumberScheduled: pods.length,
      currentNumberScheduled: pods.length,
      numberReady: ready,
      updatedNumberScheduled: pods.length,
      numberAvailable: ready,
    });
  }
}

/** Writes a controller's status for `obj`, only when it differs: an unchanged write would start another pass. */
export function putStatus(store: ObjectStore, obj: KubeObject, status: Record<string, unknown>): void {
  if (JSON.stringify(obj.status) !== JSON.stringify(status)) store.put({ ...obj, status });
}
