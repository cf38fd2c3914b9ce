// How learners and scenarios name pods: the exact pod name, or a Deployment (or
// name prefix) meaning its first ready pod, since pod names carry random suffixes.
import type { KubeObject } from '../k8s/objects.js';
import { workloadOf } from '../k8s/pod-workload.js';
import { isReady } from '../k8s/ready.js';

export function findPod(pods: KubeObject[], name: string): KubeObject | undefined {
  const exact = pods.find((p) => p.metadata.name === name);
  if (exact) return exact;
  // The workload's own pods first (a Deployment's through its ReplicaSet): `api` must not pick a pod of `api-gateway`.
  const owned = pods.filter((p) => workloadOf(p)?.name === name);
  const candidates = owned.length ? owned : pods.filter((p) => p.metadata.name.startsWith(`${name}-`));
  return candidates.find(isReady) ?? candidates[0];
}
