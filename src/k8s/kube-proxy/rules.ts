// kube-proxy's iptables mode as a pure function: the iptables-restore input one
// syncProxyRules() of pkg/proxy/iptables/proxier.go would write for this node, with
// kube-proxy's defaults (masquerade bit 14, --detect-local-mode ClusterCIDR,
// localhost NodePorts on, --random-fully available, no nfacct counters).
import type { V1EndpointSlice, V1Service } from '../objects.js';
import {
  isServiceChainName,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
} from './chain-names.js';
import { categorizeEndpoints, endpointsForPort, type EndpointInfo } from './endpoints.js';
import { cidrContains, formatIPv4Cidr, parseIPv4CidrSloppy, parseIPv4Sloppy } from '../ipv4.js';
import { probability } from './probability.js';
import { comment, RestoreTable, type RuleWord } from './restore-table.js';
import { externallyAccessible, servicePorts, usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from './service-ports.js';

export interface KubeProxyInput {
  nodeName: string;
  /** The node's own address: decides whether loadBalancerSourceRanges let the node itself in. */
  nodeIP: string;
  /** kube-proxy --cluster-cidr: traffic from outside it is masqueraded. Empty disables local detection. */
  clusterCIDR: string;
  services: V1Service[];
  /** discovery.k8s.io/v1, matched to Services by the kubernetes.io/service-name label. */
  endpointSlices: V1EndpointSlice[];
  /**
   * Chains now in the node's tables (from iptables-save). Stale KUBE-SVC/SVL/EXT/FW/SEP
   * chains in nat are deleted; filter never holds per-service chains, so upstream (and
   * this) deletes nothing there.
   */
  existingChains: { nat: string[]; filter: string[] };
}

const MASQ_MARK = '0x4000';
// Above this many endpoints upstream drops per-endpoint comments to keep the tables small.
const LARGE_CLUSTER_ENDPOINTS = 1000;

interface Sync {
  filter: RestoreTable;
  nat: RestoreTable;
  /** Per-service nat chains written in this sync; any other such chain is stale. */
  active: Set<string>;
  input: KubeProxyInput;
  /** `-s <clusterCIDR>`, or undefined when local traffic cannot be told apart. */
  podSource?: string;
  largeCluster: boolean;
}

/** iptables-restore input (filter, then nat) for `iptables-restore --noflush`. */
export function kubeProxyRestore(input: KubeProxyInput): string {
  const sync: Sync = {
    filter: new RestoreTable('filter'),
    nat: new RestoreTable('nat'),
    active: new Set(),
    input,
    largeCluster: false,
  };
  if (input.clusterCIDR) {
    const net = parseIPv4CidrSloppy(input.clusterCIDR);
    if (!net) throw new Error(`kube-proxy clusterCIDR "${input.clusterCIDR}" is not an IPv4 CIDR such as 10.244.0.0/16`);
    sync.podSource = formatIPv4Cidr(net);
  }
  const { filter, nat } = sync;
  for (const chain of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]) filter.declare(chain);
  for (const chain of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) nat.declare(chain);

  // Marked packets are masqueraded once; the mark is cleared so a re-traversal is not.
  nat.rule(KUBE_POSTROUTING, '-m', 'mark', '!', '--mark', `${MASQ_MARK}/${MASQ_MARK}`, '-j', 'RETURN');
  nat.rule(KUBE_POSTROUTING, '-j', 'MARK', '--xor-mark', MASQ_MARK);
  nat.rule(KUBE_POSTROUTING, comment('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE', '--random-fully');
  nat.rule(KUBE_MARK_MASQ, '-j', 'MARK', '--or-mark', MASQ_MARK);

  // route_localnet (needed for NodePorts on 127.0.0.1) would let the outside reach
  // 127.0.0.0/8; this closes that hole (https://issue.k8s.io/90259).
  filter.declare(KUBE_FIREWALL);
  filter.rule(
    KUBE_FIREWALL,
    comment('block incoming localnet connections'),
    '-d',
    '127.0.0.0/8',
    '!',
    '-s',
    '127.0.0.0/8',
    '-m',
    'conntrack',
    '!',
    '--ctstate',
    'RELATED,ESTABLISHED,DNAT',
    '-j',
    'DROP',
  );

  const ports = servicePorts(input.services).map((info) => ({
    info,
    endpoints: endpointsForPort(info, input.endpointSlices, input.nodeName),
  }));
  sync.largeCluster = ports.reduce((sum, port) => sum + port.endpoints.length, 0) > LARGE_CLUSTER_ENDPOINTS;
  for (const { info, endpoints } of ports) writeServicePort(sync, info, endpoints);

  for (const chain of new Set(input.existingChains.nat)) {
    if (isServiceChainName(chain) && !sync.active.has(chain)) nat.remove(chain);
  }

  nat.rule(
    KUBE_SERVICES,
    comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m',
    'addrtype',
    '--dst-type',
    'LOCAL',
    '-j',
    KUBE_NODEPORTS,
  );

  // INVALID packets would otherwise reach a pod un-DNATed and draw a RST (kubernetes#74839).
  filter.rule(KUBE_FORWARD, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  // Forward what kube-proxy marked even when the FORWARD policy is DROP.
  filter.rule(KUBE_FORWARD, comment('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${MASQ_MARK}/${MASQ_MARK}`, '-j', 'ACCEPT');
  filter.rule(KUBE_FORWARD, comment('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  return filter.render() + nat.render();
}

function writeServicePort(sync: Sync, info: ServicePortInfo, endpoints: EndpointInfo[]): void {
  const { filter, nat, active } = sync;
  const name = info.nameString;
  const proto = ['-m', info.protocol, '-p', info.protocol];
  const port = String(info.port);
  const { cluster, local, allReachable, hasAny } = categorizeEndpoints(endpoints, info);

  const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(info);
  const usesLocalChain = local.length > 0 && usesLocalEndpoints(info);

  const internalChain = info.internalPolicyLocal ? info.chains.local : info.chains.cluster;
  const hasInternal = hasAny && (!info.internalPolicyLocal || local.length > 0);
  const externalPolicyChain = info.externalPolicyLocal ? info.chains.local : info.chains.cluster;
  const hasExternal = hasAny && (!info.externalPolicyLocal || local.length > 0);
  const externalChain = info.chains.external;
  // The local-traffic short-circuit rules are needed even with no externally usable endpoint.
  const usesExternalChain = hasAny && externallyAccessible(info);
  const usesFirewallChain = hasAny && info.loadBalancerVIPs.length > 0 && info.loadBalancerSourceRanges.length > 0;
  const loadBalancerChain = usesFirewallChain ? info.chains.firewall : externalChain;

  // No endpoints at all: REJECT (the client sees "connection refused"); endpoints, but none
  // on this node for a Local policy: DROP.
  const unusable = hasAny ? { target: 'DROP', text: `${name} has no local endpoints` } : { target: 'REJECT', text: `${name} has no endpoints` };

  if (hasInternal) {
    nat.rule(KUBE_SERVICES, comment(`${name} cluster IP`), proto, '-d', info.clusterIP, '--dport', port, '-j', internalChain);
  } else {
    filter.rule(KUBE_SERVICES, comment(unusable.text), proto, '-d', info.clusterIP, '--dport', port, '-j', unusable.target);
  }

  for (const ip of info.externalIPs) {
    if (hasAny) nat.rule(KUBE_SERVICES, comment(`${name} external IP`), proto, '-d', ip, '--dport', port, '-j', externalChain);
    if (!hasExternal) {
      filter.rule(KUBE_EXTERNAL_SERVICES, comment(unusable.text), proto, '-d', ip, '--dport', port, '-j', unusable.target);
    }
  }

  for (const ip of info.loadBalancerVIPs) {
    if (hasAny) nat.rule(KUBE_SERVICES, comment(`${name} loadbalancer IP`), proto, '-d', ip, '--dport', port, '-j', loadBalancerChain);
    if (usesFirewallChain) {
      filter.rule(KUBE_PROXY_FIREWALL, comment(`${name} traffic not accepted by ${info.chains.firewall}`), proto, '-d', ip, '--dport', port, '-j', 'DROP');
    }
  }
  if (!hasExternal) {
    for (const ip of info.loadBalancerVIPs) {
      filter.rule(KUBE_EXTERNAL_SERVICES, comment(unusable.text), proto, '-d', ip, '--dport', port, '-j', unusable.target);
    }
  }

  if (info.nodePort !== 0) {
    const nodePort = String(info.nodePort);
    if (hasAny) nat.rule(KUBE_NODEPORTS, comment(name), proto, '--dport', nodePort, '-j', externalChain);
    if (!hasExternal) {
      filter.rule(KUBE_EXTERNAL_SERVICES, comment(unusable.text), '-m', 'addrtype', '--dst-type', 'LOCAL', proto, '--dport', nodePort, '-j', unusable.target);
    }
  }

  // The load balancer's health check must reach kube-proxy whether or not a local endpoint exists.
  if (info.healthCheckNodePort !== 0) {
    filter.rule(
      KUBE_NODEPORTS,
      comment(`${name} health check node port`),
      '-m',
      'tcp',
      '-p',
      'tcp',
      '--dport',
      String(info.healthCheckNodePort),
      '-j',
      'ACCEPT',
    );
  }

  if (hasInternal && sync.podSource) {
    // Off-cluster clients routed to a ClusterIP via some node may bounce to another node: SNAT them.
    nat.rule(internalChain, comment(`${name} cluster IP`), proto, '-d', info.clusterIP, '--dport', port, '!', '-s', sync.podSource, '-j', KUBE_MARK_MASQ);
  }

  if (usesExternalChain) {
    nat.declare(externalChain);
    active.add(externalChain);
    if (!info.externalPolicyLocal) {
      // Endpoints may be on another node, so the reply must come back through this one.
      nat.rule(externalChain, comment(`masquerade traffic for ${name} external destinations`), '-j', KUBE_MARK_MASQ);
    } else {
      // Pods and the node itself reaching an external address behave as if they had gone
      // out to a load balancer and back in: neither traffic policy applies to them.
      if (sync.podSource) {
        nat.rule(externalChain, comment(`pod traffic for ${name} external destinations`), '-s', sync.podSource, '-j', info.chains.cluster);
      }
      nat.rule(
        externalChain,
        comment(`masquerade LOCAL traffic for ${name} external destinations`),
        '-m',
        'addrtype',
        '--src-type',
        'LOCAL',
        '-j',
        KUBE_MARK_MASQ,
      );
      nat.rule(
        externalChain,
        comment(`route LOCAL traffic for ${name} external destinations`),
        '-m',
        'addrtype',
        '--src-type',
        'LOCAL',
        '-j',
        info.chains.cluster,
      );
    }
    if (hasExternal) nat.rule(externalChain, '-j', externalPolicyChain);
  }

  if (usesFirewallChain) {
    const firewallChain = info.chains.firewall;
    nat.declare(firewallChain);
    active.add(firewallChain);
    const allowed = comment(`${name} loadbalancer IP`);
    const nodeIP = parseIPv4Sloppy(sync.input.nodeIP);
    let allowFromNode = false;
    for (const range of info.loadBalancerSourceRanges) {
      nat.rule(firewallChain, allowed, '-s', formatIPv4Cidr(range), '-j', externalChain);
      if (nodeIP !== undefined && cidrContains(range, nodeIP)) allowFromNode = true;
    }
    // A node that holds the VIP locally talks to it with the VIP as source.
    if (allowFromNode) {
      for (const ip of info.loadBalancerVIPs) nat.rule(firewallChain, allowed, '-s', ip, '-j', externalChain);
    }
    // Falls through un-DNATed, to be dropped by the KUBE-PROXY-FIREWALL rule above.
    nat.rule(firewallChain, comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`));
  }

  if (usesClusterChain) writeServiceToEndpoints(sync, info, info.chains.cluster, cluster);
  if (usesLocalChain) writeServiceToEndpoints(sync, info, info.chains.local, local);

  for (const ep of allReachable) {
    nat.declare(ep.chain);
    active.add(ep.chain);
    const head = serviceComment(sync, name);
    // Hairpin: a pod reaching itself through the Service must see a source other than its own.
    nat.rule(ep.chain, head, '-s', ep.ip, '-j', KUBE_MARK_MASQ);
    const affinity = info.stickyMaxAgeSeconds === undefined ? [] : ['-m', 'recent', '--name', ep.chain, '--set'];
    nat.rule(ep.chain, head, affinity, proto, '-j', 'DNAT', '--to-destination', ep.endpoint);
  }
}

// Session affinity first (a client seen recently goes back to its endpoint), then a
// random pick: endpoint i of n matches with 1/(n-i), so each is chosen with 1/n overall.
function writeServiceToEndpoints(sync: Sync, info: ServicePortInfo, chain: string, endpoints: EndpointInfo[]): void {
  const { nat, active } = sync;
  nat.declare(chain);
  active.add(chain);
  if (info.stickyMaxAgeSeconds !== undefined) {
    for (const ep of endpoints) {
      nat.rule(
        chain,
        serviceComment(sync, `${info.nameString} -> ${ep.endpoint}`),
        '-m',
        'recent',
        '--name',
        ep.chain,
        '--rcheck',
        '--seconds',
        String(info.stickyMaxAgeSeconds),
        '--reap',
        '-j',
        ep.chain,
      );
    }
  }
  endpoints.forEach((ep, i) => {
    const pick = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    nat.rule(chain, serviceComment(sync, `${info.nameString} -> ${ep.endpoint}`), pick, '-j', ep.chain);
  });
}

function serviceComment(sync: Sync, text: string): RuleWord {
  return sync.largeCluster ? [] : comment(text);
}
