// Per-service chain names, hashed exactly as kube-proxy hashes them
// (pkg/proxy/iptables/proxier.go: portProtoHash, servicePortEndpointChainName), so a
// learner who reads `KUBE-SVC-XPGD46QRK7WJZT7O` here sees the name a real node would show.
import { hash16 } from '../chain-hash.js';

// The fixed chains kube-proxy owns in nat and filter.
export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
/** kubelet's chain, which kube-proxy also writes because localhost NodePorts need it. */
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

const PREFIXES = {
  service: 'KUBE-SVC-',
  local: 'KUBE-SVL-',
  firewall: 'KUBE-FW-',
  external: 'KUBE-EXT-',
  endpoint: 'KUBE-SEP-',
} as const;

/**
 * `ns/svc:port`, or `ns/svc` for an unnamed port: upstream's ServicePortName.String(),
 * the text every hash and every rule comment is built from.
 */
export function servicePortName(namespace: string, name: string, portName?: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** KUBE-SVC-…: the Cluster traffic policy chain that spreads traffic over all usable endpoints. */
export function serviceChainName(servicePortName: string, protocol: string): string {
  return PREFIXES.service + portProtoHash(servicePortName, protocol);
}

/** KUBE-SVL-…: the Local traffic policy chain, holding only this node's endpoints. */
export function localPolicyChainName(servicePortName: string, protocol: string): string {
  return PREFIXES.local + portProtoHash(servicePortName, protocol);
}

/** KUBE-FW-…: loadBalancerSourceRanges filtering for LoadBalancer IPs. */
export function firewallChainName(servicePortName: string, protocol: string): string {
  return PREFIXES.firewall + portProtoHash(servicePortName, protocol);
}

/** KUBE-EXT-…: entry for NodePort, external IP and LoadBalancer traffic. */
export function externalChainName(servicePortName: string, protocol: string): string {
  return PREFIXES.external + portProtoHash(servicePortName, protocol);
}

/** KUBE-SEP-…: one endpoint (`ip:port`) of one service port; DNATs to it. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return PREFIXES.endpoint + hash16(servicePortName + protocol.toLowerCase() + endpoint);
}

/** True for the per-service chains kube-proxy deletes when nothing produces them any more. */
export function isServiceChainName(chain: string): boolean {
  return Object.values(PREFIXES).some((prefix) => chain.startsWith(prefix));
}

// Upstream lower-cases the protocol before hashing ("tcp", not "TCP").
function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol.toLowerCase());
}
