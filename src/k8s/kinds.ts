// kubectl's resource names and short names, mapped to kinds.
import { UserError } from '../errors.js';

const KINDS: [string, string[]][] = [
  ['Pod', ['pod', 'pods', 'po']],
  ['Service', ['service', 'services', 'svc']],
  ['Endpoints', ['endpoints', 'ep']],
  ['EndpointSlice', ['endpointslice', 'endpointslices']],
  ['NetworkPolicy', ['networkpolicy', 'networkpolicies', 'netpol']],
  ['ConfigMap', ['configmap', 'configmaps', 'cm']],
  ['DaemonSet', ['daemonset', 'daemonsets', 'ds']],
  ['Deployment', ['deployment', 'deployments', 'deploy']],
  ['Node', ['node', 'nodes', 'no']],
  ['Namespace', ['namespace', 'namespaces', 'ns']],
];

export function kindFromResource(resource: string): string {
  const lower = resource.toLowerCase();
  const found = KINDS.find(([kind, names]) => names.includes(lower) || kind.toLowerCase() === lower);
  if (!found) {
    throw new UserError(`unknown resource type "${resource}": use one of ${KINDS.map(([, n]) => n.at(-1)).join(', ')}`);
  }
  return found[0];
}

/** `svc/api`, or `svc api`. */
export function parseResourceRef(first: string, second?: string): { kind: string; name?: string } {
  const [resource, name] = first.includes('/') ? (first.split('/', 2) as [string, string]) : [first, second];
  return { kind: kindFromResource(resource), ...(name ? { name } : {}) };
}

export function isClusterScopedKind(kind: string): boolean {
  return kind === 'Node' || kind === 'Namespace';
}
