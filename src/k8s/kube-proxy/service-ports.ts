// What kube-proxy keeps per Service port (upstream's BaseServicePortInfo plus the iptables
// chain names), computed from Service objects the way its ServiceChangeTracker does.
import type { V1ServicePort } from '@kubernetes/client-node';
import type { V1Service } from '../objects.js';
import { externalChainName, firewallChainName, localPolicyChainName, serviceChainName, servicePortName } from './chain-names.js';
import { isIPv4Sloppy, parseIPv4CidrSloppy, type IPv4Cidr } from '../ipv4.js';

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** `spec.ports[].name`; empty for an unnamed port. */
  portName: string;
  /** `ns/svc:port`: the hash input and the text of every rule comment. */
  nameString: string;
  /** Lower-case (`tcp`), as it appears in `-m tcp -p tcp` and in hashes. */
  protocol: string;
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: IPv4Cidr[];
  healthCheckNodePort: number;
  /** Set only for sessionAffinity ClientIP: the `--seconds` of the `recent` match. */
  stickyMaxAgeSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  chains: { cluster: string; local: string; firewall: string; external: string };
}

// The API server's default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours).
const DEFAULT_STICKY_SECONDS = 10800;

/**
 * One entry per port of every proxied Service, sorted by `ns/svc:port` so output is stable
 * (upstream walks a Go map). Headless and ExternalName Services are skipped, as upstream's
 * ShouldSkipService does, and so is a Service without an IPv4 cluster IP.
 */
export function servicePorts(services: V1Service[]): ServicePortInfo[] {
  const infos: ServicePortInfo[] = [];
  for (const service of services) {
    const spec = service.spec;
    if (!spec || spec.type === 'ExternalName') continue;
    const clusterIP = [...(spec.clusterIPs ?? []), spec.clusterIP ?? ''].find(isIPv4Sloppy);
    if (!clusterIP) continue;
    for (const port of spec.ports ?? []) infos.push(portInfo(service, clusterIP, port));
  }
  return infos.sort((a, b) => compare(a.nameString, b.nameString) || compare(a.protocol, b.protocol));
}

/** NodePort, external IPs or LoadBalancer IPs: traffic that goes through the KUBE-EXT chain. */
export function externallyAccessible(info: ServicePortInfo): boolean {
  return info.nodePort !== 0 || info.loadBalancerVIPs.length > 0 || info.externalIPs.length > 0;
}

// Even with externalTrafficPolicy Local, external traffic from pods and from the node
// itself is "short-circuited" to the Cluster chain, so externally reachable ports need it.
export function usesClusterEndpoints(info: ServicePortInfo): boolean {
  return !info.internalPolicyLocal || externallyAccessible(info);
}

export function usesLocalEndpoints(info: ServicePortInfo): boolean {
  return info.internalPolicyLocal || (info.externalPolicyLocal && externallyAccessible(info));
}

function portInfo(service: V1Service, clusterIP: string, port: V1ServicePort): ServicePortInfo {
  const spec = service.spec ?? {};
  const namespace = service.metadata?.namespace ?? 'default';
  const name = service.metadata?.name ?? '';
  const nameString = servicePortName(namespace, name, port.name);
  const protocol = (port.protocol ?? 'TCP').toLowerCase();
  const externalPolicyLocal = apiExternallyAccessible(service) && spec.externalTrafficPolicy === 'Local';
  const info: ServicePortInfo = {
    namespace,
    name,
    portName: port.name ?? '',
    nameString,
    protocol,
    clusterIP,
    port: port.port,
    nodePort: port.nodePort ?? 0,
    externalIPs: (spec.externalIPs ?? []).filter(isIPv4Sloppy),
    // ipMode Proxy means the load balancer itself proxies, so kube-proxy ignores the IP.
    loadBalancerVIPs: (service.status?.loadBalancer?.ingress ?? [])
      .filter((ingress) => ingress.ip && isIPv4Sloppy(ingress.ip) && ingress.ipMode !== 'Proxy')
      .map((ingress) => ingress.ip!),
    loadBalancerSourceRanges: (spec.loadBalancerSourceRanges ?? []).map(parseIPv4CidrSloppy).filter((net): net is IPv4Cidr => net !== undefined),
    healthCheckNodePort: spec.type === 'LoadBalancer' && externalPolicyLocal ? (spec.healthCheckNodePort ?? 0) : 0,
    externalPolicyLocal,
    internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    chains: {
      cluster: serviceChainName(nameString, protocol),
      local: localPolicyChainName(nameString, protocol),
      firewall: firewallChainName(nameString, protocol),
      external: externalChainName(nameString, protocol),
    },
  };
  if (spec.sessionAffinity === 'ClientIP') {
    info.stickyMaxAgeSeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS;
  }
  return info;
}

// pkg/api/v1/service ExternallyAccessible: decided by type, unlike the per-port check above.
function apiExternallyAccessible(service: V1Service): boolean {
  const type = service.spec?.type ?? 'ClusterIP';
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && (service.spec?.externalIPs ?? []).length > 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
