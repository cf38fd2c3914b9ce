// Runs a flow through the compiled rules of every node it crosses, the way the
// lab's routing would: a pod's packets enter its node through its veth; traffic
// between nodes leaves and enters through eth0.
import type { V1NetworkPolicy } from '../../../../src/k8s/objects.js';
import { netpolRestore } from '../../../../src/k8s/netpol/compile.js';
import type { Flow } from '../../../../src/k8s/netpol/evaluate.js';
import { netpolOwners } from '../../../../src/k8s/netpol/owners.js';
import type { ChainOwner, Direction } from '../../../../src/k8s/netpol/types.js';
import { parseRestore, simulate, type SimTable } from './iptables-sim.js';
import { input, NODES, PODS } from './world.js';

export interface DataPlaneResult {
  allowed: boolean;
  /** `policy#rule` whose rows set the allow mark, per direction, when that direction's pod chain ran. */
  marked: Partial<Record<Direction, string[]>>;
}

export function dataPlane(policies: V1NetworkPolicy[]): (flow: Flow, state?: 'NEW' | 'ESTABLISHED') => DataPlaneResult {
  const nodes = new Map<string, { table: SimTable; owners: Map<string, ChainOwner> }>();
  for (const node of NODES) {
    nodes.set(node, { table: parseRestore(netpolRestore(input(policies, node))), owners: netpolOwners(input(policies, node)) });
  }
  return (flow, state = 'NEW') => {
    const src = flow.from.pod ?? PODS.find((p) => p.ip === flow.from.ip);
    const dst = flow.to.pod ?? PODS.find((p) => p.ip === flow.to.ip);
    const hops: { node: string; in: string; out: string }[] = [];
    if (src) hops.push({ node: src.nodeName, in: src.hostVeth, out: dst && dst.nodeName === src.nodeName ? dst.hostVeth : 'eth0' });
    if (dst && (!src || src.nodeName !== dst.nodeName)) hops.push({ node: dst.nodeName, in: 'eth0', out: dst.hostVeth });
    const marked: DataPlaneResult['marked'] = {};
    for (const hop of hops) {
      const { table, owners } = nodes.get(hop.node)!;
      const r = simulate(table, 'NETPOL-FORWARD', {
        in: hop.in,
        out: hop.out,
        src: flow.from.ip,
        dst: flow.to.ip,
        protocol: flow.protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp',
        dport: flow.port,
        state,
      });
      for (const hit of r.hits) {
        const owner = owners.get(hit.chain);
        if (!owner) continue;
        if (owner.pod) marked[owner.direction] ??= [];
        if (owner.policy && hit.words.join(' ').endsWith('-j MARK --set-xmark 0x10000/0x10000')) {
          const key = `${owner.policy}#${owner.rule}`;
          const list = (marked[owner.direction] ??= []);
          if (!list.includes(key)) list.push(key);
        }
      }
      if (r.verdict === 'DROP') return { allowed: false, marked };
      if (r.mark !== 0) throw new Error(`packet left NETPOL-FORWARD with mark 0x${r.mark.toString(16)}; the allow bit must be cleared`);
      if (r.verdict === 'ACCEPT' && state === 'NEW') throw new Error('a NEW packet was ACCEPTed by NETPOL chains; they should only drop or return');
    }
    return { allowed: true, marked };
  };
}
