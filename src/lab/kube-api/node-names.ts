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
  const copy: Fields = structuredClone(obj);
  if (kind === 'Node') {
    mapField(fieldsOf(copy.metadata), 'name', map);
    mapField(fieldsOf(fieldsOf(copy.metadata)?.labels), HOSTNAME_LABEL, map);
  } else if (kind === 'Pod') {
    mapPodSpec(fieldsOf(copy.spec), map);
  } else if (kind === 'EndpointSlice') {
    for (const endpoint of arrayOf(copy.endpoints)) mapField(fieldsOf(endpoint), 'nodeName', map);
  } else if (kind === 'Endpoints') {
    for (const subset of arrayOf(copy.subsets).map(fieldsOf)) {
      for (const address of [...arrayOf(subset?.addresses), ...arrayOf(subset?.notReadyAddresses)]) mapField(fieldsOf(address), 'nodeName', map);
    }
  } else {
    // Deployment, DaemonSet, ReplicaSet, StatefulSet, Job: the pod template.
    mapPodSpec(fieldsOf(fieldsOf(fieldsOf(copy.spec)?.template)?.spec), map);
  }
  return copy as T;
}

export function mapObjectNodeNames(obj: KubeObject, map: (node: string) => string): KubeObject {
  return mapNodeNames(obj as unknown as Record<string, unknown>, obj.kind, map) as unknown as KubeObject;
}

/** A JSON object whose fields are checked before use: an object or a merge patch may lack any of them. */
type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields | undefined {
  return value !== null && typeof value === 'object' ? (value as Fields) : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Passes `obj[key]` through `map` when it is a string. */
function mapField(obj: Fields | undefined, key: string, map: (node: string) => string): void {
  const value = obj?.[key];
  if (obj && typeof value === 'string') obj[key] = map(value);
}

function mapPodSpec(spec: Fields | undefined, map: (node: string) => string): void {
  if (!spec) return;
  mapField(spec, 'nodeName', map);
  mapField(fieldsOf(spec.nodeSelector), HOSTNAME_LABEL, map);
  const affinity = fieldsOf(fieldsOf(spec.affinity)?.nodeAffinity);
  if (!affinity) return;
  const terms = [
    ...arrayOf(fieldsOf(affinity.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms),
    ...arrayOf(affinity.preferredDuringSchedulingIgnoredDuringExecution).map((p) => fieldsOf(p)?.preference),
  ].map(fieldsOf);
  for (const term of terms) {
    for (const expr of arrayOf(term?.matchExpressions).map(fieldsOf)) if (expr?.key === HOSTNAME_LABEL) mapValues(expr, map);
    for (const expr of arrayOf(term?.matchFields).map(fieldsOf)) if (expr?.key === NODE_NAME_FIELD) mapValues(expr, map);
  }
}

function mapValues(expr: { values?: unknown }, map: (node: string) => string): void {
  if (Array.isArray(expr.values)) expr.values = expr.values.map((v) => (typeof v === 'string' ? map(v) : v));
}
