// The Deployment controller: a Deployment owns one ReplicaSet per pod template it has had
// (`api-6b8f9c7d54`, named by the pod-template-hash) and sizes them, as kube-controller-manager's
// deployment-controller does, so `kubectl get rs`, `describe deploy` and `rollout
// status|history|undo|restart` read what they read on a cluster. One difference: a rollout
// scales the new ReplicaSet up and the old ones down in one step, without waiting for the new
// pods to be ready (the lab's scenarios break things, and a fault must show at once).
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { KubeObject } from '../../../k8s/objects.js';
import { POD_TEMPLATE_HASH, sameTemplateIgnoringHash, templateHash } from '../../../k8s/pod-template-hash.js';
import { podsOfWorkload } from '../../../k8s/pod-workload.js';
import { isReady } from '../../../k8s/ready.js';
import { involvedObjectOf, recordEvent } from '../events.js';
import type { ObjectStore } from '../store.js';
import { ownedBy, type PodTemplate, putStatus } from './workloads.js';

const DEPLOYMENT_CONTROLLER = { component: 'deployment-controller' };
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
/** The Deployment's annotations a ReplicaSet does not copy (upstream's annotationsToSkip). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

interface DeploymentSpec {
  replicas: number;
  selector: V1LabelSelector;
  template: PodTemplate;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
}

function specOf(deploy: KubeObject): DeploymentSpec {
  return deploy.spec as DeploymentSpec;
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
}

function replicasOf(rs: KubeObject): number {
  return (rs.spec as { replicas?: number }).replicas ?? 0;
}

/** A maxSurge or maxUnavailable (a count, or a percentage of replicas rounded as upstream rounds it). */
function scaledValue(value: number | string | undefined, replicas: number, roundUp: boolean): number {
  if (value === undefined) value = '25%';
  if (typeof value === 'number') return value;
  const percent = Number(value.replace(/%$/, '')) || 0;
  const exact = (percent * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

function maxSurge(spec: DeploymentSpec): number {
  return spec.strategy?.type === 'Recreate' ? 0 : scaledValue(spec.strategy?.rollingUpdate?.maxSurge, spec.replicas, true);
}

function maxUnavailable(spec: DeploymentSpec): number {
  if (spec.strategy?.type === 'Recreate') return 0;
  return Math.min(spec.replicas, scaledValue(spec.strategy?.rollingUpdate?.maxUnavailable, spec.replicas, false));
}

/** The ReplicaSets a Deployment controls, and among them the one of its current template. */
export function replicaSetsOf(store: ObjectStore, deploy: KubeObject): { all: KubeObject[]; current: KubeObject | undefined } {
  const all = store.list('ReplicaSet', deploy.metadata.namespace).filter((rs) => ownedBy(rs, deploy));
  const current = all.find((rs) => sameTemplateIgnoringHash((rs.spec as { template?: PodTemplate }).template, specOf(deploy).template));
  return { all, current };
}

/** The annotations a ReplicaSet gets from its Deployment, with its revision and the sizes the controller wants. */
function replicaSetAnnotations(deploy: KubeObject, rs: KubeObject | undefined, revision: number): Record<string, string> {
  const copied = Object.entries(deploy.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k));
  const spec = specOf(deploy);
  return {
    ...rs?.metadata.annotations,
    ...Object.fromEntries(copied),
    [DESIRED_REPLICAS]: String(spec.replicas),
    [MAX_REPLICAS]: String(spec.replicas + maxSurge(spec)),
    [REVISION]: String(revision),
  };
}

function newReplicaSet(deploy: KubeObject, revision: number): KubeObject {
  const spec = specOf(deploy);
  const hash = templateHash(spec.template);
  const labels = { ...spec.template.metadata?.labels, [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deploy.metadata.name}-${hash}`,
      namespace: deploy.metadata.namespace,
      labels,
      annotations: replicaSetAnnotations(deploy, undefined, revision),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name, uid: deploy.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      replicas: spec.replicas,
      ...(spec.minReadySeconds ? { minReadySeconds: spec.minReadySeconds } : {}),
      selector: { ...spec.selector, matchLabels: { ...spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
      template: { ...spec.template, metadata: { ...spec.template.metadata, labels } },
    },
  };
}

/** The ScalingReplicaSet event the deployment controller writes on its Deployment. */
function recordScaling(store: ObjectStore, deploy: KubeObject, rs: KubeObject, from: number, to: number): void {
  if (from === to) return;
  const message = `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`;
  recordEvent(store, { involvedObject: involvedObjectOf(deploy), source: DEPLOYMENT_CONTROLLER, type: 'Normal', reason: 'ScalingReplicaSet', message });
}

/** Resizes one ReplicaSet (and brings its annotations up to date); false when it already was so. */
function scaleReplicaSet(store: ObjectStore, deploy: KubeObject, rs: KubeObject, to: number, annotations: Record<string, string>): boolean {
  const from = replicasOf(rs);
  if (from === to && JSON.stringify(rs.metadata.annotations) === JSON.stringify(annotations)) return false;
  store.put({ ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...(rs.spec as object), replicas: to } });
  recordScaling(store, deploy, rs, from, to);
  return true;
}

/** One pass of the Deployment controller; returns true when it changed the store. */
export function reconcileDeployments(store: ObjectStore): boolean {
  let changed = false;
  for (const deploy of store.list('Deployment')) {
    const spec = specOf(deploy);
    const { all, current } = replicaSetsOf(store, deploy);
    const newest = Math.max(0, ...all.map(revisionOf));
    // The current template's ReplicaSet is the newest revision: a new one, or an old one a rollback brought back.
    const revision = current && revisionOf(current) === newest ? newest : newest + 1;
    if (current) changed = scaleReplicaSet(store, deploy, current, spec.replicas, replicaSetAnnotations(deploy, current, revision)) || changed;
    else {
      // Upstream creates the new ReplicaSet at its size and reports it as scaled up from 0.
      recordScaling(store, deploy, store.put(newReplicaSet(deploy, revision)), 0, spec.replicas);
      changed = true;
    }
    const old = all.filter((rs) => rs !== current);
    for (const rs of old) {
      const annotations = { ...rs.metadata.annotations, [DESIRED_REPLICAS]: String(spec.replicas), [MAX_REPLICAS]: String(spec.replicas + maxSurge(spec)) };
      changed = scaleReplicaSet(store, deploy, rs, 0, replicasOf(rs) === 0 ? rs.metadata.annotations! : annotations) || changed;
    }
    changed = pruneHistory(store, old, spec.revisionHistoryLimit ?? 10) || changed;
    const fresh = store.get({ kind: 'Deployment', namespace: deploy.metadata.namespace, name: deploy.metadata.name })!;
    if (fresh.metadata.annotations?.[REVISION] !== String(revision)) {
      store.put({ ...fresh, metadata: { ...fresh.metadata, annotations: { ...fresh.metadata.annotations, [REVISION]: String(revision) } } });
      changed = true;
    }
  }
  return changed;
}

/** Old ReplicaSets (all scaled to nothing by now) beyond revisionHistoryLimit go, the oldest revisions first. */
function pruneHistory(store: ObjectStore, old: KubeObject[], limit: number): boolean {
  const surplus = [...old].sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, Math.max(0, old.length - limit));
  for (const rs of surplus) store.delete({ kind: 'ReplicaSet', namespace: rs.metadata.namespace, name: rs.metadata.name });
  return surplus.length > 0;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** A condition keeps its times while it says the same thing, so an unchanged status is not rewritten. */
function condition(previous: Condition[], wanted: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>, now: string): Condition {
  const before = previous.find((c) => c.type === wanted.type);
  const same = before?.status === wanted.status && before.reason === wanted.reason && before.message === wanted.message;
  return {
    ...wanted,
    lastUpdateTime: same ? before.lastUpdateTime! : now,
    lastTransitionTime: before?.status === wanted.status ? before.lastTransitionTime! : now,
  };
}

/** Deployment status as `kubectl get deploy`, `describe deploy` and `rollout status` read it. */
export function reconcileDeploymentStatus(store: ObjectStore): void {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const d of store.list('Deployment')) {
    const spec = specOf(d);
    const { all, current } = replicaSetsOf(store, d);
    const pods = podsOfWorkload(d, all, store.list('Pod', d.metadata.namespace));
    const updated = current ? pods.filter((p) => ownedBy(p, current)).length : 0;
    const available = pods.filter(isReady).length;
    const previous = ((d.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
    const minimum = available >= spec.replicas - maxUnavailable(spec);
    const complete = updated === spec.replicas && pods.length === spec.replicas && available === spec.replicas;
    const name = current?.metadata.name ?? `${d.metadata.name}-${templateHash(spec.template)}`;
    const conditions = [
      condition(
        previous,
        minimum
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        now,
      ),
      condition(
        previous,
        complete
          ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}" has successfully progressed.` }
          : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${name}" is progressing.` },
        now,
      ),
    ];
    // observedGeneration says the controller has acted on this spec (kubectl rollout status waits for it).
    // Counts of zero are left out, as upstream's omitempty leaves them.
    const counts = { replicas: pods.length, updatedReplicas: updated, readyReplicas: available, availableReplicas: available };
    putStatus(store, d, {
      observedGeneration: d.metadata.generation ?? 1,
      ...Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
      ...(spec.replicas - available > 0 ? { unavailableReplicas: spec.replicas - available } : {}),
      conditions,
    });
  }
}
