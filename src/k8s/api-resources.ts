// The resources a lab's API server serves, as kube-apiserver's discovery describes
// them: group, version, plural and singular names, short names, verbs, categories
// and subresources. Built from kinds.ts, so a kind netbreak knows is a kind it serves.
import { KINDS, type KindInfo } from './kinds.js';

export interface ApiSubresource {
  name: string;
  kind: string;
  verbs: string[];
}

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  subresources: ApiSubresource[];
}

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** What kube-apiserver allows on these: a Node or Namespace is neither collection-deleted nor (Namespace) patched away. */
const VERBS: Record<string, string[]> = {
  Namespace: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
};
/** `kubectl get all` asks for the resources in the "all" category. */
const IN_ALL = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'DaemonSet']);
const STATUS = (kind: string): ApiSubresource => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const SUBRESOURCES: Record<string, ApiSubresource[]> = {
  Pod: [
    STATUS('Pod'),
    { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'log', kind: 'Pod', verbs: ['get'] },
    { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    { name: 'proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  ],
  Service: [STATUS('Service'), { name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  Deployment: [STATUS('Deployment'), { name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'] }],
  ReplicaSet: [STATUS('ReplicaSet'), { name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'] }],
  DaemonSet: [STATUS('DaemonSet')],
  Node: [STATUS('Node')],
  Namespace: [STATUS('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
};

function toResource(info: KindInfo): ApiResource {
  const [group, version] = info.apiVersion.includes('/') ? (info.apiVersion.split('/') as [string, string]) : ['', info.apiVersion];
  return {
    group,
    version,
    kind: info.kind,
    plural: info.plural,
    singular: info.kind.toLowerCase(),
    namespaced: !info.clusterScoped,
    shortNames: info.shortName ? [info.shortName] : [],
    verbs: VERBS[info.kind] ?? READ_WRITE,
    categories: IN_ALL.has(info.kind) ? ['all'] : [],
    subresources: SUBRESOURCES[info.kind] ?? [],
  };
}

export const API_RESOURCES: readonly ApiResource[] = KINDS.map(toResource);

/** `v1`, `apps/v1`: the groupVersion a resource is served under. */
export function groupVersionOf(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The resource a URL names by group, version and plural; undefined when the lab serves no such thing. */
export function findResource(group: string, version: string, plural: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceOfKind(kind: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.kind === kind);
}

/** Every group the lab serves, the core group ('') first, each with its one version. */
export function servedGroups(): { group: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of API_RESOURCES) if (!seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([group, version]) => ({ group, version })).sort((a, b) => (a.group === '' ? -1 : b.group === '' ? 1 : a.group.localeCompare(b.group)));
}
