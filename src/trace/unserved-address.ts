// A connection to an address that nothing translated and no pod or node owns: a
// ClusterIP called on a port its Service does not list, or an address that looks
// like a ClusterIP but no Service holds. kube-proxy writes rules only for the
// address and port pairs Services list. Upstream's nftables proxier then tells
// the two apart in its cluster-ips-check chain ("Reject traffic to invalid ports
// of ClusterIPs": connection refused; "Drop traffic to unallocated ClusterIPs": a
// timeout); in iptables mode both leave the node untranslated and time out.
import type { V1Service } from '../k8s/objects.js';
import type { FlowSpec, WalkResult } from './flow.js';
import type { HopObject, TraceInput } from './hops.js';

export interface UnservedAddress {
  text: string;
  blame?: HopObject;
}

const KUBE_PROXY_MODES = 'kube-proxy in nftables mode rejects it, so the client is refused; in iptables mode it leaves the node untranslated and times out';
const UNALLOCATED_MODES =
  'kube-proxy in nftables mode drops such an address; in iptables mode it leaves the node untranslated; either way the client times out';

/** Why the flow found no Service behind its address, when that is what happened; undefined otherwise. */
export function unservedAddress(input: TraceInput, spec: FlowSpec, walk: WalkResult): UnservedAddress | undefined {
  // kube-proxy translated it (to a pod, or a stale rule did): the address was served.
  if (walk.endpoint && walk.endpoint.ip !== spec.dst) return undefined;
  if (input.pods.some((p) => p.ip === spec.dst) || input.nodes.some((n) => n.ip === spec.dst)) return undefined;
  const served = (s: V1Service) => (s.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP').toLowerCase() === spec.protocol).map((p) => p.port);
  const at = `${spec.dst}:${spec.port}`;

  const holder = input.services.find((s) => holds(s, spec.dst));
  if (holder) {
    const ports = served(holder);
    if (ports.includes(spec.port)) return undefined;
    const ref = `${holder.metadata?.namespace}/${holder.metadata?.name}`;
    const list = ports.length ? ports.map((p) => `${spec.protocol}/${p}`).join(', ') : `no ${spec.protocol} port`;
    return {
      text: `nothing translated ${at}: Service ${ref} holds ${spec.dst} but serves ${list}, not ${spec.protocol}/${spec.port}; ${KUBE_PROXY_MODES}`,
      blame: { kind: 'Service', namespace: holder.metadata?.namespace ?? '', name: holder.metadata?.name ?? '', detail: `no port ${spec.port}` },
    };
  }

  // Only addresses among the Services' own: a /16 that holds ClusterIPs (the Service range of kubeadm and kind).
  const prefix = (ip: string) => ip.split('.').slice(0, 2).join('.');
  if (!input.services.some((s) => s.spec?.clusterIP && s.spec.clusterIP !== 'None' && prefix(s.spec.clusterIP) === prefix(spec.dst))) return undefined;
  // The Services the client's namespace offers on that port: what it most likely meant to call.
  const near = input.services.filter(
    (s) => s.metadata?.namespace === spec.src.namespace && s.spec?.clusterIP && s.spec.clusterIP !== 'None' && served(s).includes(spec.port),
  );
  const listed = near.map((s) => `${s.metadata?.name} ${s.spec?.clusterIP}`).join(', ');
  const text = `nothing translated ${at}: no Service, pod or node holds ${spec.dst}, though it lies in ${prefix(spec.dst)}.0.0/16 with the cluster's ClusterIPs; ${UNALLOCATED_MODES}${
    near.length ? ` (in namespace ${spec.src.namespace}, ${spec.protocol}/${spec.port} is served by ${listed})` : ''
  }`;
  const only = near.length === 1 ? near[0]! : undefined;
  return {
    text,
    ...(only
      ? {
          blame: {
            kind: 'Service',
            namespace: only.metadata?.namespace ?? '',
            name: only.metadata?.name ?? '',
            detail: `clusterIP ${only.spec?.clusterIP}, not ${spec.dst}`,
          },
        }
      : {}),
  };
}

function holds(service: V1Service, ip: string): boolean {
  return service.spec?.clusterIP === ip || (service.spec?.clusterIPs ?? []).includes(ip);
}
