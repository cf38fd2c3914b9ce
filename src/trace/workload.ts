// The workload a pod belongs to: what a learner edits to change the pod (its
// template), so the object a trace blames for a pod-level fault. The netns lab
// makes a Deployment's pods itself; a real cluster puts a ReplicaSet
// `<deployment>-<pod-template-hash>` in between, which is read off the names
// rather than listed.
import type { KubeObject } from '../k8s/objects.js';

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

/** The pod's controlling workload (Deployment, DaemonSet, StatefulSet …), or undefined for a bare pod. */
export function workloadOf(pod: KubeObject): WorkloadRef | undefined {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  const namespace = pod.metadata.namespace ?? 'default';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', namespace, name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, namespace, name: owner.name };
}
