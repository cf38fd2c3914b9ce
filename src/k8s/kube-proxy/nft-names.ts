// The names kube-proxy gives its nftables objects (pkg/proxy/nftables/proxier.go): one
// table, fixed chains, sets and maps without any "kube-" prefix (the table is the
// namespace), and per-Service chains named HASH-ns/svc/proto/port, where HASH is the
// first 8 characters of base32(sha256(name)), so `service-ULMVA6XW-ns1/svc1/tcp/p80`
// here is the name a real node would show.
import { hashPrefix } from '../chain-hash.js';

export const KUBE_PROXY_TABLE = 'kube-proxy';

export const NFT = {
  services: 'services',
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  nodePortIPs: 'nodeport-ips',
  clusterIPs: 'cluster-ips',
  serviceEndpointsCheck: 'service-endpoints-check',
  nodePortEndpointsCheck: 'nodeport-endpoints-check',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  rejectChain: 'reject-chain',
  clusterIPsCheck: 'cluster-ips-check',
  firewallIPs: 'firewall-ips',
  firewallCheck: 'firewall-check',
  markMasq: 'mark-for-masquerade',
  masquerading: 'masquerading',
} as const;

// Upstream truncates names longer than this (knftables.NameLengthMax 256 minus a 16-character prefix allowance).
const NAME_BASE_MAX = 240;

/** HASH-name, truncated with "..." past upstream's limit (never reached by valid Kubernetes names). */
function hashAndTruncate(name: string): string {
  const hashed = `${hashPrefix(name, 8)}-${name}`;
  return hashed.length > NAME_BASE_MAX ? `${hashed.slice(0, NAME_BASE_MAX - 3)}...` : hashed;
}

/** `ns/svc/proto/port`: the nftables counterpart of `ns/svc:port`; an unnamed port leaves the last part empty. */
export function nftServicePortName(namespace: string, name: string, protocol: string, portName: string): string {
  return `${namespace}/${name}/${protocol.toLowerCase()}/${portName}`;
}

export interface NftServiceChains {
  /** service-…: Cluster traffic policy, all usable endpoints. */
  cluster: string;
  /** local-…: Local traffic policy, this node's endpoints only. */
  local: string;
  /** external-…: NodePort, external IP and load balancer traffic. */
  external: string;
  /** firewall-…: loadBalancerSourceRanges. */
  firewall: string;
}

export function nftServiceChains(namespace: string, name: string, protocol: string, portName: string): NftServiceChains {
  const base = hashAndTruncate(nftServicePortName(namespace, name, protocol, portName));
  return { cluster: `service-${base}`, local: `local-${base}`, external: `external-${base}`, firewall: `firewall-${base}` };
}

/** endpoint-HASH-ns/svc/proto/port__IP/port, and the affinity-… set of the same endpoint. */
export function nftEndpointChain(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  return `endpoint-${endpointBase(namespace, name, protocol, portName, ip, port)}`;
}

export function nftAffinitySet(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  return `affinity-${endpointBase(namespace, name, protocol, portName, ip, port)}`;
}

/** Per-Service chains carry a "/" (from ns/svc), which no fixed chain name has: upstream tells them apart this way. */
export function isNftServiceChainName(chain: string): boolean {
  return chain.includes('/');
}

function endpointBase(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  // IPv6 colons are not allowed in chain names; upstream writes them as dots.
  return hashAndTruncate(`${nftServicePortName(namespace, name, protocol, portName)}__${ip.replaceAll(':', '.')}/${port}`);
}
