// The lab's machines: the lab's own network namespace (the supervisor's, see
// holder.ts) is the "fabric", whose bridge plays the role of kind's Docker network,
// and one namespace per node plays a node container. These functions run in the
// supervisor, inside the lab's namespaces: the host's network is out of their reach.
import { runOk } from '../../exec.js';
import { kubeProxyJumps } from '../../k8s/kube-proxy/jumps.js';
import { netpolJump } from '../../k8s/netpol/jump.js';
import { nodeNetns } from './names.js';
import type { LabNode, Topology } from './topology.js';

/**
 * The address the lab's API server dials pods from (pods/proxy, services/proxy), as kube-apiserver does from its
 * control-plane node: the last of the node subnet (buildTopology's 172.18.0.0/16). Only this address's traffic is
 * routed to the pod CIDRs (table 100): the fabric also plays the network outside the cluster (kind's Docker network
 * and its gateway, the "office" resolver on the fabric address), which has no route to pods, so a node that stops
 * masquerading pod traffic leaving the cluster still breaks its replies (after-the-allow-list).
 */
export const API_SERVER_SOURCE_IP = '172.18.255.254';
const API_SERVER_ROUTES = 100;

/** Sets up the caller's own network namespace as the lab's fabric. It forwards nothing (ip_forward stays off). */
export async function createFabric(topology: Topology): Promise<void> {
  const podRoutes = topology.nodes.map((n) => `route add ${n.podCIDR} via ${n.ip} dev br0 onlink table ${API_SERVER_ROUTES}`);
  await runOk(['ip', '-batch', '-'], {
    input:
      [
        'link set lo up',
        'link add br0 type bridge',
        `addr add ${topology.fabricIP}/16 dev br0`,
        `addr add ${API_SERVER_SOURCE_IP}/16 dev br0`,
        'link set br0 up',
        ...podRoutes,
        `rule add from ${API_SERVER_SOURCE_IP} lookup ${API_SERVER_ROUTES} priority 100`,
      ].join('\n') + '\n',
  });
}

export async function createNode(lab: string, topology: Topology, node: LabNode): Promise<void> {
  const ns = nodeNetns(lab, node.name);
  const port = `n${node.index}`;
  await runOk(['ip', 'netns', 'add', ns]);
  await runOk(['ip', '-batch', '-'], { input: `link add ${port} type veth peer name eth0 netns ${ns}\nlink set ${port} master br0\nlink set ${port} up\n` });
  const routes = topology.nodes.filter((n) => n !== node).map((n) => `route add ${n.podCIDR} via ${n.ip} dev eth0`);
  await runOk(['ip', '-n', ns, '-batch', '-'], {
    input:
      ['link set lo up', `addr add ${node.ip}/16 dev eth0`, 'link set eth0 up', `route add default via ${topology.fabricIP} dev eth0`, ...routes].join('\n') +
      '\n',
  });
  // icmp_ratelimit=0: kube-proxy's REJECT answers with an ICMP error, which the kernel otherwise limits to about one
  // a second per pod after a burst of six, so a few quick checks in a row would see "timeout" where they saw "refused".
  await runOk([
    'ip',
    'netns',
    'exec',
    ns,
    'sysctl',
    '-q',
    '-w',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.default.rp_filter=0',
    'net.ipv4.icmp_ratelimit=0',
  ]);
  await runOk(['ip', 'netns', 'exec', ns, 'iptables-restore', '--noflush', '-w'], { input: nodeBaseRules(topology) });
}

/**
 * What a kind node has before any pod runs: kindnet's masquerade chain for traffic
 * leaving the pod network, and the jumps that kube-proxy (iptables mode) and the policy agent hook
 * into the built-in chains (policy first in FORWARD, so a DROP of NetworkPolicy
 * wins over kube-proxy's accept of marked traffic in KUBE-FORWARD).
 */
export function nodeBaseRules(topology: Topology): string {
  const tables: Record<'filter' | 'nat', { chains: Set<string>; rules: string[] }> = {
    filter: { chains: new Set(), rules: [] },
    nat: { chains: new Set(), rules: [] },
  };
  const quote = (w: string) => (/\s/.test(w) ? `"${w}"` : w);
  const add = (table: 'filter' | 'nat', chain: string, rule: string[]) => {
    const target = rule[rule.indexOf('-j') + 1]!;
    if (!['ACCEPT', 'DROP', 'RETURN', 'MASQUERADE'].includes(target)) tables[table].chains.add(target);
    tables[table].rules.push(`-A ${chain} ${rule.map(quote).join(' ')}`);
  };
  add('filter', netpolJump.chain, netpolJump.rule);
  // Upstream inserts each jump at the top, so the last one listed ends up first. In nftables
  // mode kube-proxy hooks its own table's base chains instead and leaves iptables alone.
  if (topology.kubeProxyMode === 'iptables') for (const j of [...kubeProxyJumps].reverse()) add(j.table, j.chain, j.rule);
  tables.nat.chains.add('KIND-MASQ-AGENT');
  tables.nat.rules.push(
    '-A POSTROUTING -m addrtype ! --dst-type LOCAL -m comment --comment "kind-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom KIND-MASQ-AGENT chain" -j KIND-MASQ-AGENT',
    `-A KIND-MASQ-AGENT -d ${topology.podSubnet} -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN`,
    '-A KIND-MASQ-AGENT -m comment --comment "kind-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE',
  );
  return (
    (['filter', 'nat'] as const)
      .map((t) => [`*${t}`, ...[...tables[t].chains].map((c) => `:${c} - [0:0]`), ...tables[t].rules, 'COMMIT'].join('\n'))
      .join('\n') + '\n'
  );
}
