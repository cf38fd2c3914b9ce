// Endpoints of one Service port as kube-proxy sees them (pkg/proxy/endpointslicecache.go)
// and the choice of which ones each traffic policy may use (pkg/proxy/topology.go).
import type { V1ObjectReference } from '@kubernetes/client-node';
import type { V1EndpointSlice } from '../objects.js';
import { endpointChainName } from './chain-names.js';
import { isIPv4Sloppy } from '../ipv4.js';
import { usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from './service-ports.js';

export interface EndpointInfo {
  ip: string;
  port: number;
  /** `ip:port`: the DNAT target, and part of the KUBE-SEP hash. */
  endpoint: string;
  /** On the node this kube-proxy runs on (EndpointSlice `nodeName`). */
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  chain: string;
  targetRef?: V1ObjectReference;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * The endpoints of one service port, from every IPv4 EndpointSlice labelled with its
 * Service. Slice ports are matched by name and protocol, so a named targetPort arrives
 * already resolved to the number the slice carries. Sorted by `ip:port` as upstream sorts.
 */
export function endpointsForPort(info: ServicePortInfo, slices: V1EndpointSlice[], nodeName: string): EndpointInfo[] {
  const byEndpoint = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    if (slice.metadata?.namespace !== info.namespace || slice.metadata.labels?.[SERVICE_NAME_LABEL] !== info.name) continue;
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if ((port.name ?? '') !== info.portName || (port.protocol ?? 'TCP').toLowerCase() !== info.protocol) continue;
      if (!port.port) continue;
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || !isIPv4Sloppy(ip)) continue;
        // Conditions default as in the API: absent ready/serving mean true.
        const terminating = ep.conditions?.terminating === true;
        const endpoint = `${ip}:${port.port}`;
        const candidate: EndpointInfo = {
          ip,
          port: port.port,
          endpoint,
          isLocal: nodeName !== '' && ep.nodeName === nodeName,
          ready: ep.conditions?.ready !== false,
          serving: ep.conditions?.serving !== false,
          terminating,
          chain: endpointChainName(info.nameString, info.protocol, endpoint),
        };
        if (ep.targetRef) candidate.targetRef = ep.targetRef;
        // The same ip:port twice (a pod IP reused while the old pod terminates): prefer the live one.
        if (!byEndpoint.has(endpoint) || !terminating) byEndpoint.set(endpoint, candidate);
      }
    }
  }
  return [...byEndpoint.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

export interface CategorizedEndpoints {
  /** Endpoints for the Cluster policy chain (KUBE-SVC); empty when the port never uses it. */
  cluster: EndpointInfo[];
  /** Endpoints for the Local policy chain (KUBE-SVL); empty when the port never uses it. */
  local: EndpointInfo[];
  /** Every endpoint that gets a KUBE-SEP chain on this node. */
  allReachable: EndpointInfo[];
  /** Any usable endpoint anywhere in the cluster. */
  hasAny: boolean;
}

/**
 * Ready endpoints, falling back (separately for Cluster and Local) to serving-and-terminating
 * ones when none is ready, as upstream does; the fallback is a few lines, so it is kept.
 * Topology hints are not modelled: the lab's nodes carry no zones.
 */
export function categorizeEndpoints(endpoints: EndpointInfo[], info: ServicePortInfo): CategorizedEndpoints {
  let cluster: EndpointInfo[] = [];
  let local: EndpointInfo[] = [];
  let hasAny = false;
  const servingTerminating = (ep: EndpointInfo) => ep.serving && ep.terminating;

  if (usesClusterEndpoints(info)) {
    cluster = endpoints.filter((ep) => ep.ready);
    if (cluster.length === 0) cluster = endpoints.filter(servingTerminating);
    hasAny = cluster.length > 0;
  }
  if (!usesLocalEndpoints(info)) return { cluster, local, allReachable: cluster, hasAny };

  if (endpoints.some((ep) => ep.ready || servingTerminating(ep))) hasAny = true;
  let localFallback = false;
  if (endpoints.some((ep) => ep.isLocal && ep.ready)) {
    local = endpoints.filter((ep) => ep.isLocal && ep.ready);
  } else if (endpoints.some((ep) => ep.isLocal && servingTerminating(ep))) {
    localFallback = true;
    local = endpoints.filter((ep) => ep.isLocal && servingTerminating(ep));
  }
  if (!usesClusterEndpoints(info)) return { cluster, local, allReachable: local, hasAny };
  // Ready-only local endpoints are a subset of the Cluster ones; terminating ones are not.
  if (!localFallback) return { cluster, local, allReachable: cluster, hasAny };
  const union = new Map([...cluster, ...local].map((ep) => [ep.endpoint, ep]));
  return { cluster, local, allReachable: endpoints.filter((ep) => union.has(ep.endpoint)), hasAny };
}
