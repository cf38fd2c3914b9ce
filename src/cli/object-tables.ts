// `get` output per kind, with kubectl's columns.
import type {
  DiscoveryV1EndpointPort,
  V1DaemonSetStatus,
  V1DeploymentSpec,
  V1DeploymentStatus,
  V1Endpoint,
  V1EndpointSubset,
  V1NetworkPolicySpec,
  V1NodeStatus,
  V1PodSpec,
  V1PodStatus,
  V1ServiceSpec,
} from '@kubernetes/client-node';
import type { KubeObject } from '../k8s/objects.js';
import { age } from './output.js';

type Row = (o: KubeObject, wide: boolean) => string[];
interface Columns {
  head: string[];
  wide?: string[];
  row: Row;
}

/** The object's spec or status as its kind has it (`T` says which kind's); `{}` when absent. */
const spec = <T>(o: KubeObject) => (o.spec ?? {}) as Partial<T>;
const status = <T>(o: KubeObject) => (o.status ?? {}) as Partial<T>;
const created = (o: KubeObject) => age(o.metadata.creationTimestamp);

function selectorText(sel: Record<string, string> | undefined): string {
  const entries = Object.entries(sel ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

function labelSelectorText(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  return parts.length ? parts.join(',') : '<none>';
}

function podStatus(o: KubeObject): string {
  const cs = status<V1PodStatus>(o).containerStatuses?.[0];
  return cs?.state?.waiting?.reason ?? status<V1PodStatus>(o).phase ?? 'Unknown';
}

const COLUMNS: Record<string, Columns> = {
  Pod: {
    head: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE'],
    row: (o, wide) => {
      const cs = status<V1PodStatus>(o).containerStatuses ?? [];
      const containers = spec<V1PodSpec>(o).containers?.length ?? 1;
      const row = [o.metadata.name, `${cs.filter((c) => c.ready).length}/${containers}`, podStatus(o), String(cs[0]?.restartCount ?? 0), created(o)];
      return wide ? [...row, status<V1PodStatus>(o).podIP ?? '<none>', spec<V1PodSpec>(o).nodeName ?? '<none>'] : row;
    },
  },
  Service: {
    head: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wide: ['SELECTOR'],
    row: (o, wide) => {
      const s = spec<V1ServiceSpec>(o);
      const ports = (s.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
      const row = [o.metadata.name, s.type ?? 'ClusterIP', s.clusterIP ?? '<none>', s.externalName ?? '<none>', ports, created(o)];
      return wide ? [...row, selectorText(s.selector)] : row;
    },
  },
  Endpoints: {
    head: ['NAME', 'ENDPOINTS', 'AGE'],
    row: (o) => {
      const subsets = (o.subsets ?? []) as V1EndpointSubset[];
      const eps = subsets.flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`)));
      return [o.metadata.name, eps.length ? eps.join(',') : '<none>', created(o)];
    },
  },
  EndpointSlice: {
    head: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
    row: (o) => {
      const ports = ((o.ports ?? []) as DiscoveryV1EndpointPort[]).map((p) => p.port).join(',') || '<unset>';
      const eps = ((o.endpoints ?? []) as V1Endpoint[]).flatMap((e) => e.addresses);
      return [o.metadata.name, String(o.addressType ?? 'IPv4'), ports, eps.length ? eps.join(',') : '<unset>', created(o)];
    },
  },
  NetworkPolicy: {
    head: ['NAME', 'POD-SELECTOR', 'AGE'],
    row: (o) => [o.metadata.name, labelSelectorText(spec<V1NetworkPolicySpec>(o).podSelector), created(o)],
  },
  ConfigMap: { head: ['NAME', 'DATA', 'AGE'], row: (o) => [o.metadata.name, String(Object.keys((o.data ?? {}) as object).length), created(o)] },
  Deployment: {
    head: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    row: (o) => {
      const st = status<V1DeploymentStatus>(o);
      return [
        o.metadata.name,
        `${st.readyReplicas ?? 0}/${spec<V1DeploymentSpec>(o).replicas ?? 1}`,
        String(st.updatedReplicas ?? 0),
        String(st.availableReplicas ?? 0),
        created(o),
      ];
    },
  },
  DaemonSet: {
    head: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    row: (o) => {
      const st = status<V1DaemonSetStatus>(o);
      const n = (k: 'desiredNumberScheduled' | 'currentNumberScheduled' | 'numberReady' | 'updatedNumberScheduled' | 'numberAvailable') => String(st[k] ?? 0);
      const nodeSelector = spec<V1DeploymentSpec>(o).template?.spec?.nodeSelector;
      return [
        o.metadata.name,
        n('desiredNumberScheduled'),
        n('currentNumberScheduled'),
        n('numberReady'),
        n('updatedNumberScheduled'),
        n('numberAvailable'),
        selectorText(nodeSelector),
        created(o),
      ];
    },
  },
  Node: {
    head: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP'],
    row: (o, wide) => {
      const role = 'node-role.kubernetes.io/control-plane' in (o.metadata.labels ?? {}) ? 'control-plane' : '<none>';
      const row = [o.metadata.name, 'Ready', role, created(o), 'v1.31.0'];
      return wide ? [...row, status<V1NodeStatus>(o).addresses?.[0]?.address ?? ''] : row;
    },
  },
  Namespace: { head: ['NAME', 'STATUS', 'AGE'], row: (o) => [o.metadata.name, 'Active', created(o)] },
};

export function tableFor(kind: string, objects: KubeObject[], options: { wide: boolean; allNamespaces: boolean }): { head: string[]; rows: string[][] } {
  const columns = COLUMNS[kind]!;
  const head = [...(options.allNamespaces ? ['NAMESPACE'] : []), ...columns.head, ...(options.wide ? (columns.wide ?? []) : [])];
  const rows = objects.map((o) => [...(options.allNamespaces ? [o.metadata.namespace ?? ''] : []), ...columns.row(o, options.wide)]);
  return { head, rows };
}
