// The ReplicaSet controller: keeps spec.replicas pods of the set's template running, as
// kube-controller-manager's replicaset-controller does, and reports each pod it makes or
// removes on the ReplicaSet (where `kubectl describe rs` finds it).
import type { KubeObject } from '../../../k8s/objects.js';
import { isReady } from '../../../k8s/ready.js';
import type { ObjectStore } from '../store.js';
import { newPod, ownedBy, type PodSpec, type PodTemplate, putStatus, randomSuffix, recordPodChange, recordScheduled, schedule } from './workloads.js';

const REPLICASET_CONTROLLER = { component: 'replicaset-controller' };

interface ReplicaSetSpec {
  replicas?: number;
  template: PodTemplate;
}

/**
 * Which pods go first when a set shrinks, as upstream's getPodsToDelete ranks them: unscheduled before scheduled,
 * Pending before Running, not ready before ready, and the newest first.
 */
function deletionRank(pod: KubeObject): [number, number, number, number] {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  const created = Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  return [(pod.spec as PodSpec).nodeName ? 1 : 0, phase === 'Running' ? 1 : 0, isReady(pod) ? 1 : 0, -created];
}

function byDeletionRank(a: KubeObject, b: KubeObject): number {
  const [ra, rb] = [deletionRank(a), deletionRank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  return 0;
}

/** One pass of the ReplicaSet controller; returns true when it changed the store. */
export function reconcileReplicaSets(store: ObjectStore): boolean {
  let changed = false;
  for (const rs of store.list('ReplicaSet')) {
    const spec = rs.spec as ReplicaSetSpec;
    const wanted = spec.replicas ?? 1;
    const pods = store.list('Pod', rs.metadata.namespace).filter((p) => ownedBy(p, rs));
    for (const extra of pods.sort(byDeletionRank).slice(0, Math.max(0, pods.length - wanted))) {
      store.delete({ kind: 'Pod', namespace: extra.metadata.namespace, name: extra.metadata.name });
      recordPodChange(store, rs, REPLICASET_CONTROLLER, extra, false);
      changed = true;
    }
    for (let i = pods.length; i < wanted; i++) {
      const pinned = spec.template.spec.nodeName;
      const nodeName = pinned ?? schedule(store, spec.template.spec);
      const pod = store.put(newPod(rs, spec.template, `${rs.metadata.name}-${randomSuffix()}`, {}, nodeName));
      recordPodChange(store, rs, REPLICASET_CONTROLLER, pod, true);
      if (nodeName && !pinned) recordScheduled(store, pod);
      changed = true;
    }
  }
  return changed;
}

/** ReplicaSet status as `kubectl get rs` reads it (DESIRED, CURRENT, READY); zero counts are left out as upstream omits them. */
export function reconcileReplicaSetStatus(store: ObjectStore): void {
  for (const rs of store.list('ReplicaSet')) {
    const pods = store.list('Pod', rs.metadata.namespace).filter((p) => ownedBy(p, rs));
    const ready = pods.filter(isReady).length;
    putStatus(store, rs, {
      replicas: pods.length,
      ...(pods.length ? { fullyLabeledReplicas: pods.length } : {}),
      ...(ready ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rs.metadata.generation ?? 1,
    });
  }
}
