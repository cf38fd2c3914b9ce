// The workload a pod belongs to: what a learner edits to change the pod (its
// template), so the object a trace blames for a pod-level fault and the name
// `netbreak exec api` means. A Deployment's pods belong to a ReplicaSet
// `<deployment>-<pod-template-hash>`, which is read off the names rather than
// listed, so a pod alone says which Deployment it is of.
import type { KubeObject } from './objects.js';

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

/** The controller reference of `obj`: the one ownerReference marked controller. */
export function controllerUid(obj: { metadata: KubeObject['metadata'] }): string | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller)?.uid;
}

/** The pods `workload` controls: its own, and for a Deployment those of the ReplicaSets it controls. */
export function podsOfWorkload(workload: KubeObject, replicaSets: KubeObject[], pods: KubeObject[]): KubeObject[] {
  const owners = new Set([workload.metadata.uid, ...replicaSets.filter((rs) => controllerUid(rs) === workload.metadata.uid).map((rs) => rs.metadata.uid)]);
  return pods.filter((p) => owners.has(controllerUid(p)));
}
