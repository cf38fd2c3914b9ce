// kind names its nodes, and the containers they run in, after the cluster:
// `netbreak-control-plane`, `netbreak-worker`, `netbreak-worker2`. Scenarios,
// hints and the netns lab say `control-plane`, `worker`, `worker2`. The kind lab
// maps every node name it sends or reads (node commands, Node objects, and the
// node fields of pod specs: nodeName, the kubernetes.io/hostname selector and
// node affinity), so one scenario and one hint work on both backends, and
// netbreak's own commands show and accept the scenario's names.
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';

const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** The node field a nodeSelectorTerm's matchFields can name. */
const NODE_NAME_FIELD = 'metadata.name';

export interface NodeNames {
  /** The cluster's name for a node: `worker2` → `netbreak-worker2` (a full name is kept). */
  toCluster(node: string): string;
  /** The scenario's name for a node: `netbreak-worker2` → `worker2` (other names are kept). */
  fromCluster(node: string): string;
}

/** kind's naming (pkg/cluster/internal/providers/common/namer.go): `<cluster>-<role><n>`. */
export function kindNodeNames(cluster: string): NodeNames {
  const prefix = `${cluster}-`;
  return {
    toCluster: (node) => (node.startsWith(prefix) ? node : `${prefix}${node}`),
    fromCluster: (node) => (node.startsWith(prefix) ? node.slice(prefix.length) : node),
  };
}

/** An existing cluster's nodes keep their own names. */
export const unchangedNodeNames: NodeNames = { toCluster: (node) => node, fromCluster: (node) => node };

export function mapNodeRef(ref: ObjectRef, map: (node: string) => string): ObjectRef {
  return ref.kind === 'Node' ? { ...ref, name: map(ref.name) } : ref;
}

/**
 * A copy of `obj` with every node name in it passed through `map`. Works on a
 * whole object and on a merge patch for one (`kind` names what it patches):
 * absent and null fields are left as they are.
 */
export function mapNodeNames<T extends Record<string, unknown>>(obj: T, kind: string, map: (node: string) => string): T {
  const copy = structuredClone(obj) as Record<string, any>;
  if (kind === 'Node') {
    if (typeof copy.metadata?.name === 'string') copy.metadata.name = map(copy.metadata.name);
    if (typeof copy.metadata?.labels?.[HOSTNAME_LABEL] === 'string') copy.metadata.labels[HOSTNAME_LABEL] = map(copy.metadata.labels[HOSTNAME_LABEL]);
  } else if (kind === 'Pod') {
    mapPodSpec(copy.spec, map);
  } else if (kind === 'EndpointSlice') {
    for (const endpoint of arrayOf(copy.endpoints)) if (typeof endpoint?.nodeName === 'string') endpoint.nodeName = map(endpoint.nodeName);
  } else if (kind === 'Endpoints') {
    for (const subset of arrayOf(copy.subsets)) {
      for (const address of [...arrayOf(subset?.addresses), ...arrayOf(subset?.notReadyAddresses)]) {
        if (typeof address?.nodeName === 'string') address.nodeName = map(address.nodeName);
      }
    }
  } else {
    // Deployment, DaemonSet, ReplicaSet, StatefulSet, Job: the pod template.
    mapPodSpec(copy.spec?.template?.spec, map);
  }
  return copy as T;
}

export function mapObjectNodeNames(obj: KubeObject, map: (node: string) => string): KubeObject {
  return mapNodeNames(obj as unknown as Record<string, unknown>, obj.kind, map) as unknown as KubeObject;
}

function arrayOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

function mapPodSpec(spec: any, map: (node: string) => string): void {
  if (!spec || typeof spec !== 'object') return;
  if (typeof spec.nodeName === 'string') spec.nodeName = map(spec.nodeName);
  if (typeof spec.nodeSelector?.[HOSTNAME_LABEL] === 'string') spec.nodeSelector[HOSTNAME_LABEL] = map(spec.nodeSelector[HOSTNAME_LABEL]);
  const affinity = spec.affinity?.nodeAffinity;
  if (!affinity || typeof affinity !== 'object') return;
  const terms = [
    ...arrayOf(affinity.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms),
    ...arrayOf(affinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => p?.preference),
  ];
  for (const term of terms) {
    for (const expr of arrayOf(term?.matchExpressions)) if (expr?.key === HOSTNAME_LABEL) mapValues(expr, map);
    for (const expr of arrayOf(term?.matchFields)) if (expr?.key === NODE_NAME_FIELD) mapValues(expr, map);
  }
}

function mapValues(expr: { values?: unknown }, map: (node: string) => string): void {
  if (Array.isArray(expr.values)) expr.values = expr.values.map((v) => (typeof v === 'string' ? map(v) : v));
}
