// The scale subresource: a Deployment's or ReplicaSet's replicas as an autoscaling/v1 Scale,
// what `kubectl scale` reads and writes.
import { invalid } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';

interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: Record<string, unknown>;
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

export function scaleOf(obj: KubeObject): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const spec = obj.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: (obj.status as { replicas?: number } | undefined)?.replicas ?? 0, selector },
  };
}

/** The object with the Scale's spec.replicas; Invalid as kube-apiserver words it for a bad count. */
export function withReplicas(obj: KubeObject, wanted: unknown): KubeObject {
  const scale = wanted as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } } | null;
  const replicas = scale?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', obj.metadata.name, [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      },
    ]);
  }
  return {
    ...obj,
    metadata: { ...obj.metadata, resourceVersion: scale?.metadata?.resourceVersion || obj.metadata.resourceVersion },
    spec: { ...(obj.spec as object), replicas },
  };
}
