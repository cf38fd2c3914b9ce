// The workload controllers' status writes, after the runtime has reported on the pods:
// ReplicaSets first, since a Deployment's status follows its ReplicaSets' pods.
import type { ObjectStore } from '../store.js';
import { reconcileDeploymentStatus } from './deployments.js';
import { reconcileReplicaSetStatus } from './replicasets.js';
import { reconcileDaemonSetStatus } from './workloads.js';

export function reconcileWorkloadStatus(store: ObjectStore): void {
  reconcileReplicaSetStatus(store);
  reconcileDeploymentStatus(store);
  reconcileDaemonSetStatus(store);
}
