// kube-proxy's nftables mode as a pure function: the objects one full
// syncProxyRules() of pkg/proxy/nftables/proxier.go (Kubernetes 1.33) would create
// in `table ip kube-proxy` for this node, with kube-proxy's defaults (masquerade
// bit 14, --detect-local-mode ClusterCIDR, NodePorts on the node's primary IP).
// Printed as the `add …` commands knftables sends to `nft -f`, sorted the way
// upstream's tests dump them, so whole rulesets compare as text.
import { cidrContains, formatIPv4Cidr, parseIPv4CidrSloppy, parseIPv4Sloppy } from '../ipv4.js';
import type { V1EndpointSlice, V1Service } from '../objects.js';
import { categorizeEndpoints, endpointsForPort, type EndpointInfo } from './endpoints.js';
import { externallyAccessible, servicePorts, usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from './service-ports.js';
import { KUBE_PROXY_TABLE, NFT, nftAffinitySet, nftEndpointChain, nftServiceChains, type NftServiceChains } from './nft-names.js';

export interface NftKubeProxyInput {
  nodeName: string;
  /** The node's primary address: the only one that accepts NodePorts (nftables mode's default nodePortAddresses). */
  nodeIP: string;
  /** kube-proxy --cluster-cidr: traffic from outside it is masqueraded. Empty disables local detection. */
  clusterCIDR: string;
  /** The ServiceCIDR: traffic to an unallocated address in it is dropped. Empty leaves that rule out. */
  serviceCIDR: string;
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  /**
   * Put a `counter` before each rule's verdict so that `netbreak trace` can read which
   * rules a probe matched. Upstream writes none; the rules are otherwise the same.
   */
  counters?: boolean;
}

const MASQ_MARK = '0x4000';
const FAMILY = `ip ${KUBE_PROXY_TABLE}`;

// ${type}-${hook} at upstream's priorities: filter runs before DNAT (dstnat-10 = -110) so it
// sees Service addresses; filter-output-post-dnat (dstnat+10) sees the DNATed destination.
const BASE_CHAINS: [string, string][] = [
  ['filter-prerouting', 'type filter hook prerouting priority -110'],
  ['filter-input', 'type filter hook input priority -110'],
  ['filter-forward', 'type filter hook forward priority -110'],
  ['filter-output', 'type filter hook output priority -110'],
  ['filter-output-post-dnat', 'type filter hook output priority -90'],
  ['nat-prerouting', 'type nat hook prerouting priority -100'],
  ['nat-output', 'type nat hook output priority -100'],
  ['nat-postrouting', 'type nat hook postrouting priority 100'],
];

// Which regular chain each base chain jumps to, in upstream's order (nftablesJumpChains).
// endpoint checks cannot hang off prerouting: reject is only valid in input, forward and output.
const JUMPS: [from: string, to: string, match: string][] = [
  ['filter-input', NFT.nodePortEndpointsCheck, 'ct state new'],
  ['filter-input', NFT.serviceEndpointsCheck, 'ct state new'],
  ['filter-forward', NFT.serviceEndpointsCheck, 'ct state new'],
  ['filter-output', NFT.serviceEndpointsCheck, 'ct state new'],
  ['filter-prerouting', NFT.firewallCheck, 'ct state new'],
  ['filter-output', NFT.firewallCheck, 'ct state new'],
  ['nat-output', NFT.services, ''],
  ['nat-prerouting', NFT.services, ''],
  ['nat-postrouting', NFT.masquerading, ''],
  ['filter-forward', NFT.clusterIPsCheck, 'ct state new'],
  ['filter-output-post-dnat', NFT.clusterIPsCheck, 'ct state new'],
];

const SERVICE_KEY = 'ipv4_addr . inet_proto . inet_service : verdict';
const NODEPORT_KEY = 'inet_proto . inet_service : verdict';

interface Rule {
  match: string;
  /** The verdict or final statement (a whole vmap expression, key included); a counter goes before it. */
  action: string;
  comment?: string;
}

interface Element {
  key: string;
  value?: string;
  comment?: string;
}

/** Collects one sync's objects; render() prints them. */
class Transaction {
  readonly chains = new Map<string, { spec?: string; comment?: string }>();
  readonly rules = new Map<string, Rule[]>();
  readonly sets = new Map<string, string>();
  readonly maps = new Map<string, string>();
  readonly elements = new Map<string, Element[]>();

  constructor(private readonly counters: boolean) {}

  chain(name: string, spec?: string, comment?: string): void {
    if (this.chains.has(name)) return;
    const chain: { spec?: string; comment?: string } = {};
    if (spec) chain.spec = spec;
    if (comment) chain.comment = comment;
    this.chains.set(name, chain);
  }

  rule(chain: string, match: string, action: string, comment?: string): void {
    if (!this.chains.has(chain)) throw new Error(`kube-proxy nftables rules: chain ${chain} has rules but is not declared`);
    const list = this.rules.get(chain) ?? [];
    list.push(comment ? { match, action, comment } : { match, action });
    this.rules.set(chain, list);
  }

  element(container: string, key: string, value?: string, comment?: string): void {
    const list = this.elements.get(container) ?? [];
    const element: Element = { key };
    if (value) element.value = value;
    if (comment) element.comment = comment;
    list.push(element);
    this.elements.set(container, list);
  }

  render(): string {
    const lines = [`add table ${FAMILY} { comment "rules for kube-proxy" ; }`];
    for (const [name, chain] of sorted(this.chains)) {
      const inner = [chain.spec, chain.comment && `comment ${quote(chain.comment)}`].filter(Boolean);
      lines.push(`add chain ${FAMILY} ${name}${inner.length > 0 ? ` { ${inner.join(' ; ')} ; }` : ''}`);
    }
    for (const [name, spec] of sorted(this.sets)) lines.push(`add set ${FAMILY} ${name} { ${spec} ; }`);
    for (const [name, spec] of sorted(this.maps)) lines.push(`add map ${FAMILY} ${name} { ${spec} ; }`);
    for (const [chain] of sorted(this.chains)) {
      for (const rule of this.rules.get(chain) ?? []) {
        const words = [rule.match, this.counters ? 'counter' : '', rule.action, rule.comment ? `comment ${quote(rule.comment)}` : ''];
        lines.push(`add rule ${FAMILY} ${chain} ${words.filter(Boolean).join(' ')}`);
      }
    }
    for (const [container, elements] of sorted(this.elements)) {
      for (const element of [...elements].sort((a, b) => compare(a.key, b.key))) {
        const comment = element.comment ? ` comment ${quote(element.comment)}` : '';
        const value = element.value ? ` : ${element.value}` : '';
        lines.push(`add element ${FAMILY} ${container} { ${element.key}${comment}${value} }`);
      }
    }
    return lines.join('\n') + '\n';
  }
}

interface Sync {
  tx: Transaction;
  input: NftKubeProxyInput;
  /** `10.244.0.0/16`, or undefined when local traffic cannot be told apart. */
  podCIDR?: string;
}

/** The `add …` commands of one full sync, for `nft -f` after the table is replaced (see nftReplaceScript). */
export function kubeProxyNftables(input: NftKubeProxyInput): string {
  const tx = new Transaction(input.counters === true);
  const sync: Sync = { tx, input };
  if (input.clusterCIDR) sync.podCIDR = cidrText(input.clusterCIDR, 'clusterCIDR');
  writeBase(sync);
  for (const info of servicePorts(input.services)) {
    writeServicePort(sync, info, endpointsForPort(info, input.endpointSlices, input.nodeName));
  }
  return tx.render();
}

/**
 * One `nft -f` script that replaces the whole table in one kernel transaction: the
 * `add table` makes the `delete` valid on a node that has none yet, and no packet ever
 * sees half a ruleset (upstream gets the same from knftables' transactions).
 */
export function nftReplaceScript(commands: string): string {
  return `add table ${FAMILY}\ndelete table ${FAMILY}\n${commands}`;
}

function writeBase(sync: Sync): void {
  const { tx, input } = sync;
  for (const [name, spec] of BASE_CHAINS) tx.chain(name, spec);
  for (const name of [
    NFT.services,
    NFT.masquerading,
    NFT.markMasq,
    NFT.clusterIPsCheck,
    NFT.serviceEndpointsCheck,
    NFT.nodePortEndpointsCheck,
    NFT.firewallCheck,
  ]) {
    tx.chain(name);
  }
  tx.chain(NFT.rejectChain, undefined, 'helper for @no-endpoint-services / @no-endpoint-nodeports');
  for (const [from, to, match] of JUMPS) tx.rule(from, match, `jump ${to}`);

  tx.rule(NFT.markMasq, '', `mark set mark or ${MASQ_MARK}`);
  // Marked packets are masqueraded once; the mark is cleared so a re-traversal is not.
  tx.rule(NFT.masquerading, `mark and ${MASQ_MARK} == 0`, 'return');
  tx.rule(NFT.masquerading, '', `mark set mark xor ${MASQ_MARK}`);
  tx.rule(NFT.masquerading, '', 'masquerade fully-random');

  tx.sets.set(NFT.clusterIPs, 'type ipv4_addr ; comment "Active ClusterIPs"');
  tx.rule(NFT.clusterIPsCheck, `ip daddr @${NFT.clusterIPs}`, 'reject', 'Reject traffic to invalid ports of ClusterIPs');
  if (input.serviceCIDR) {
    tx.rule(NFT.clusterIPsCheck, `ip daddr { ${cidrText(input.serviceCIDR, 'serviceCIDR')} }`, 'drop', 'Drop traffic to unallocated ClusterIPs');
  }

  tx.sets.set(NFT.nodePortIPs, 'type ipv4_addr ; comment "IPs that accept NodePort traffic"');
  tx.element(NFT.nodePortIPs, input.nodeIP);

  tx.maps.set(NFT.noEndpointServices, `type ${SERVICE_KEY} ; comment "vmap to drop or reject packets to services with no endpoints"`);
  tx.maps.set(NFT.noEndpointNodePorts, `type ${NODEPORT_KEY} ; comment "vmap to drop or reject packets to service nodeports with no endpoints"`);
  tx.rule(NFT.rejectChain, '', 'reject');
  tx.rule(NFT.serviceEndpointsCheck, '', `ip daddr . meta l4proto . th dport vmap @${NFT.noEndpointServices}`);
  tx.rule(NFT.nodePortEndpointsCheck, `ip daddr @${NFT.nodePortIPs}`, `meta l4proto . th dport vmap @${NFT.noEndpointNodePorts}`);

  tx.maps.set(NFT.firewallIPs, `type ${SERVICE_KEY} ; comment "destinations that are subject to LoadBalancerSourceRanges"`);
  tx.rule(NFT.firewallCheck, '', `ip daddr . meta l4proto . th dport vmap @${NFT.firewallIPs}`);

  tx.maps.set(NFT.serviceIPs, `type ${SERVICE_KEY} ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"`);
  tx.maps.set(NFT.serviceNodePorts, `type ${NODEPORT_KEY} ; comment "NodePort traffic"`);
  tx.rule(NFT.services, '', `ip daddr . meta l4proto . th dport vmap @${NFT.serviceIPs}`);
  tx.rule(NFT.services, `ip daddr @${NFT.nodePortIPs}`, `meta l4proto . th dport vmap @${NFT.serviceNodePorts}`);
}

interface NftEndpoint {
  ep: EndpointInfo;
  chain: string;
  affinitySet: string;
}

function writeServicePort(sync: Sync, info: ServicePortInfo, endpoints: EndpointInfo[]): void {
  const { tx } = sync;
  const chains = nftServiceChains(info.namespace, info.name, info.protocol, info.portName);
  const named = (list: EndpointInfo[]): NftEndpoint[] =>
    list.map((ep) => ({
      ep,
      chain: nftEndpointChain(info.namespace, info.name, info.protocol, info.portName, ep.ip, ep.port),
      affinitySet: nftAffinitySet(info.namespace, info.name, info.protocol, info.portName, ep.ip, ep.port),
    }));
  const categorized = categorizeEndpoints(endpoints, info);
  const cluster = named(categorized.cluster);
  const local = named(categorized.local);
  const allReachable = named(categorized.allReachable);
  const { hasAny } = categorized;
  const port = `${info.protocol} . ${info.port}`;

  for (const { chain } of allReachable) tx.chain(chain);
  const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(info);
  if (usesClusterChain) tx.chain(chains.cluster);
  const usesLocalChain = local.length > 0 && usesLocalEndpoints(info);
  if (usesLocalChain) tx.chain(chains.local);

  const internalChain = info.internalPolicyLocal ? chains.local : chains.cluster;
  const hasInternal = hasAny && (!info.internalPolicyLocal || local.length > 0);
  const externalPolicyChain = info.externalPolicyLocal ? chains.local : chains.cluster;
  const hasExternal = hasAny && (!info.externalPolicyLocal || local.length > 0);
  // The local-traffic short-circuit rules are needed even with no externally usable endpoint.
  const usesExternalChain = hasAny && externallyAccessible(info);
  if (usesExternalChain) tx.chain(chains.external);

  // No endpoints anywhere: reject (the client sees "connection refused"). Endpoints, but none
  // on this node for a Local policy: drop.
  const internalVerdict = hasAny ? 'drop' : `goto ${NFT.rejectChain}`;
  const externalVerdict = hasAny ? 'drop' : `goto ${NFT.rejectChain}`;

  tx.element(NFT.clusterIPs, info.clusterIP);
  if (hasInternal) tx.element(NFT.serviceIPs, `${info.clusterIP} . ${port}`, `goto ${internalChain}`);
  else tx.element(NFT.noEndpointServices, `${info.clusterIP} . ${port}`, internalVerdict, info.nameString);

  for (const ip of info.externalIPs) {
    if (hasAny) tx.element(NFT.serviceIPs, `${ip} . ${port}`, `goto ${chains.external}`);
    if (!hasExternal) tx.element(NFT.noEndpointServices, `${ip} . ${port}`, externalVerdict, info.nameString);
  }

  const usesFirewallChain = info.loadBalancerVIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
  if (usesFirewallChain) tx.chain(chains.firewall);
  for (const ip of info.loadBalancerVIPs) {
    if (hasAny) tx.element(NFT.serviceIPs, `${ip} . ${port}`, `goto ${chains.external}`);
    if (usesFirewallChain) tx.element(NFT.firewallIPs, `${ip} . ${port}`, `goto ${chains.firewall}`);
  }
  if (!hasExternal) {
    for (const ip of info.loadBalancerVIPs) tx.element(NFT.noEndpointServices, `${ip} . ${port}`, externalVerdict, info.nameString);
  }

  if (info.nodePort !== 0) {
    const nodePort = `${info.protocol} . ${info.nodePort}`;
    // NodePorts are not subject to loadBalancerSourceRanges, as upstream says it cannot change.
    if (hasAny) tx.element(NFT.serviceNodePorts, nodePort, `goto ${chains.external}`);
    if (!hasExternal) tx.element(NFT.noEndpointNodePorts, nodePort, externalVerdict, info.nameString);
  }

  if (hasInternal && sync.podCIDR) {
    // Off-cluster clients routed to a ClusterIP via some node may bounce to another node: SNAT them.
    tx.rule(internalChain, `ip daddr ${info.clusterIP} ${info.protocol} dport ${info.port} ip saddr != ${sync.podCIDR}`, `jump ${NFT.markMasq}`);
  }

  if (usesExternalChain) writeExternalChain(sync, info, chains, externalPolicyChain, hasExternal);

  if (usesFirewallChain) {
    const sources = info.loadBalancerSourceRanges.map(formatIPv4Cidr);
    // A node that holds the VIP locally talks to it with the VIP as source.
    const nodeIP = parseIPv4Sloppy(sync.input.nodeIP);
    if (nodeIP !== undefined && info.loadBalancerSourceRanges.some((range) => cidrContains(range, nodeIP))) sources.push(...info.loadBalancerVIPs);
    tx.rule(chains.firewall, `ip saddr != { ${sources.join(' , ')} }`, 'drop');
  }

  const sticky = info.stickyMaxAgeSeconds;
  if (sticky !== undefined) {
    for (const { affinitySet } of allReachable) tx.sets.set(affinitySet, `type ipv4_addr ; flags dynamic,timeout ; timeout ${sticky}s`);
  }
  if (usesClusterChain) writeServiceToEndpoints(tx, info, chains.cluster, cluster);
  if (usesLocalChain) writeServiceToEndpoints(tx, info, chains.local, local);

  for (const { ep, chain, affinitySet } of allReachable) {
    // Hairpin: a pod reaching itself through the Service must see a source other than its own.
    tx.rule(chain, `ip saddr ${ep.ip}`, `jump ${NFT.markMasq}`);
    if (sticky !== undefined) tx.rule(chain, '', `update @${affinitySet} { ip saddr }`);
    tx.rule(chain, `meta l4proto ${info.protocol}`, `dnat to ${ep.endpoint}`);
  }
}

function writeExternalChain(sync: Sync, info: ServicePortInfo, chains: NftServiceChains, policyChain: string, hasExternal: boolean): void {
  const { tx } = sync;
  if (!info.externalPolicyLocal) {
    // Endpoints may be on another node, so the reply must come back through this one.
    tx.rule(chains.external, '', `jump ${NFT.markMasq}`);
  } else {
    // Pods and the node itself reaching an external address behave as if they had gone out
    // to a load balancer and back in: neither traffic policy applies to them.
    if (sync.podCIDR) tx.rule(chains.external, `ip saddr ${sync.podCIDR}`, `goto ${chains.cluster}`, 'short-circuit pod traffic');
    tx.rule(chains.external, 'fib saddr type local', `jump ${NFT.markMasq}`, 'masquerade local traffic');
    tx.rule(chains.external, 'fib saddr type local', `goto ${chains.cluster}`, 'short-circuit local traffic');
  }
  if (hasExternal) tx.rule(chains.external, '', `goto ${policyChain}`);
}

// Session affinity first (a client seen recently goes back to its endpoint), then one random
// pick among all n endpoints: nftables' numgen picks uniformly, unlike iptables' chained probabilities.
function writeServiceToEndpoints(tx: Transaction, info: ServicePortInfo, chain: string, endpoints: NftEndpoint[]): void {
  if (info.stickyMaxAgeSeconds !== undefined) {
    for (const ep of endpoints) tx.rule(chain, `ip saddr @${ep.affinitySet}`, `goto ${ep.chain}`);
  }
  const elements = endpoints.map((ep, i) => `${i} : goto ${ep.chain}`).join(' , ');
  tx.rule(chain, '', `numgen random mod ${endpoints.length} vmap { ${elements} }`);
}

function cidrText(text: string, what: string): string {
  const net = parseIPv4CidrSloppy(text);
  if (!net) throw new Error(`kube-proxy ${what} "${text}" is not an IPv4 CIDR such as 10.244.0.0/16`);
  return formatIPv4Cidr(net);
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '\\"')}"`;
}

function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
