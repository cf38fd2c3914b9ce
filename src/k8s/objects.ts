// Kubernetes objects as netbreak stores and passes them around. The types come
// from @kubernetes/client-node (type-only imports cost nothing at run time), so a
// manifest written for a real cluster is the same data in the embedded lab.
import type {
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';

export type { V1ConfigMap, V1DaemonSet, V1Deployment, V1EndpointSlice, V1Endpoints, V1Namespace, V1NetworkPolicy, V1Node, V1Pod, V1Service };

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
}

/** Any Kubernetes object: apiVersion, kind, metadata and whatever its kind carries. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Names one object. `namespace` is absent for cluster-scoped kinds (Namespace, Node). */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** `Kind/namespace/name` or `Kind/name`: how grading keys and messages name objects. */
export function refString(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
