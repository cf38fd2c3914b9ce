// Every counted rule with the flows it may belong to; the rest is other traffic.
import { parseRuleMatch, ruleMayMatch, type PacketView } from './rule-match.js';
import type { FlowSpec } from './flow.js';
import type { MatchedRule } from './hops.js';
import { ownerOf } from './owners.js';
import type { TraceIndex } from './trace-index.js';
import { crossedNamespaces, icmpDrops } from './icmp-drops.js';

/** Every counted rule with the flows it may belong to; the rest is other traffic. */
export function matchedRules(index: TraceIndex, flows: { spec: FlowSpec; endpoint: { ip: string; port: number } }[]): MatchedRule[] {
  const out: MatchedRule[] = [];
  const touched = flows.map((f) => crossedNamespaces(index, f.spec, f.endpoint));
  const icmp = flows.map((f) => new Set(icmpDrops(index, f.spec, f.endpoint).map((d) => d.delta)));
  let other = 0;
  for (const state of index.byKey.values()) {
    for (const delta of state.diff.rules) {
      const owner = ownerOf(delta, state.owners, state.inPod);
      const match = parseRuleMatch(delta.rule.args);
      const mine = flows.filter(({ spec, endpoint }, i) => {
        if (!touched[i]!.has(state.key)) return false;
        if (icmp[i]!.has(delta)) return true;
        const svc = index.flowService(spec);
        const forward = index.views(spec, endpoint);
        // Replies count too (conntrack ACCEPT rules, the source's veth on the way back).
        const reply: PacketView = { src: endpoint.ip, dst: spec.src.ip, protocol: spec.protocol, sport: endpoint.port };
        return [...forward, reply].some((v) => ruleMayMatch(match, v)) && index.ownerAllows(owner, spec, svc, endpoint);
      });
      if (mine.length === 0) {
        other++;
        continue;
      }
      out.push({
        where: state.key,
        table: delta.rule.table,
        chain: delta.rule.chain,
        position: delta.rule.position,
        text: delta.rule.text,
        packets: delta.packets,
        bytes: delta.bytes,
        owner: owner.describe,
        flows: [...new Set(mine.map((m) => m.spec.kind))],
      });
    }
  }
  // Counters are shared by all traffic: a rule with no address in it (a jump, the
  // conntrack ACCEPT) counts this flow and anything else that passed, so its count
  // can be higher than this flow alone. Rules whose text or owner rules the flow out,
  // and nodes it never crossed, are left out here.
  if (other > 0)
    index.notes.push(`left out ${other} counter change(s) that cannot be this flow's (other nodes, addresses, ports or pods): other traffic in the lab.`);
  return out;
}
