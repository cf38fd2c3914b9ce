// The Kubernetes kinds netbreak reads and writes: the API version of each, the
// names kubectl accepts for it, and whether it lives in a namespace. One table
// for the CLI's resource arguments, grading's object references, the embedded
// lab's store and the API clients of the cluster backends.
import { UserError } from '../errors.js';

export interface KindInfo {
  kind: string;
  apiVersion: string;
  plural: string;
  shortName?: string;
  clusterScoped?: true;
  /** Read only to follow a pod's owner on a real cluster: learners never name it. */
  ownerOnly?: true;
  /** Served by the netns lab's API server for kubectl (Events); netbreak's own commands do not name it. */
  apiOnly?: true;
}

export const KINDS: readonly KindInfo[] = [
  { kind: 'Pod', apiVersion: 'v1', plural: 'pods', shortName: 'po' },
  { kind: 'Service', apiVersion: 'v1', plural: 'services', shortName: 'svc' },
  { kind: 'Endpoints', apiVersion: 'v1', plural: 'endpoints', shortName: 'ep' },
  { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices' },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies', shortName: 'netpol' },
  { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', shortName: 'cm' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', plural: 'daemonsets', shortName: 'ds' },
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments', shortName: 'deploy' },
  { kind: 'Node', apiVersion: 'v1', plural: 'nodes', shortName: 'no', clusterScoped: true },
  { kind: 'Namespace', apiVersion: 'v1', plural: 'namespaces', shortName: 'ns', clusterScoped: true },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', plural: 'replicasets', shortName: 'rs', ownerOnly: true },
  { kind: 'Event', apiVersion: 'v1', plural: 'events', shortName: 'ev', apiOnly: true },
];

const LEARNER_KINDS = KINDS.filter((k) => !k.ownerOnly && !k.apiOnly);

/** Every spelling kubectl takes for a kind, lower-case: `deploy`, `deployments`, `deployment`, `deployment.apps`. */
function namesOf(info: KindInfo): string[] {
  const singular = info.kind.toLowerCase();
  const group = info.apiVersion.includes('/') ? info.apiVersion.split('/')[0] : undefined;
  return [singular, info.plural, ...(info.shortName ? [info.shortName] : []), ...(group ? [`${singular}.${group}`] : [])];
}

const KIND_BY_NAME = new Map(LEARNER_KINDS.flatMap((info) => namesOf(info).map((name) => [name, info.kind] as const)));

/** The kind a learner means by any kubectl spelling, in any case; undefined for a kind netbreak does not know. */
export function canonicalKind(name: string): string | undefined {
  return KIND_BY_NAME.get(name.toLowerCase());
}

export function kindFromResource(resource: string): string {
  const kind = canonicalKind(resource);
  if (!kind) {
    throw new UserError(`unknown resource type "${resource}": use one of ${LEARNER_KINDS.map((k) => k.shortName ?? k.plural).join(', ')}`);
  }
  return kind;
}

/** `svc/api`, or `svc api`. */
export function parseResourceRef(first: string, second?: string): { kind: string; name?: string } {
  const [resource, name] = first.includes('/') ? (first.split('/', 2) as [string, string]) : [first, second];
  return { kind: kindFromResource(resource), ...(name ? { name } : {}) };
}

/** Namespace and Node: objects that live in no namespace. */
export function isClusterScoped(kind: string): boolean {
  return KINDS.some((k) => k.kind === kind && k.clusterScoped);
}

/** The apiVersion netbreak reads and writes a kind with (refs name only the kind). */
export function apiVersionOf(kind: string): string {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) throw new Error(`netbreak does not know the Kubernetes kind "${kind}": use one of ${KINDS.map((k) => k.kind).join(', ')}`);
  return info.apiVersion;
}
