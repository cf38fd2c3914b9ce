// Pod traffic that leaves the cluster must leave with its node's address: nothing
// outside routes the pod CIDR back. kindnet's masquerade agent keeps a chain
// KIND-MASQ-AGENT in each node's nat table that RETURNs for the cluster's own
// ranges and ends in MASQUERADE for everything else ("must be last in chain").
// Without that last rule, packets to an outside address leave with the pod's
// address and their answers never come back, though nothing drops them here.
import { parseIptablesSave } from './counter-diff.js';
import type { HopObject, TraceInput } from './hops.js';
import { parseRuleMatch, ruleMayMatch } from './rule-match.js';

const AGENT = 'KIND-MASQ-AGENT';

export interface Unmasqueraded {
  text: string;
  blame: HopObject;
}

/** When `node` would send pod traffic to `dst` unmasqueraded because its masquerade agent's chain lost its MASQUERADE. */
export function unmasqueradedOnNode(input: TraceInput, node: string, src: string, dst: string, protocol: string): Unmasqueraded | undefined {
  const counters = input.counters.find((c) => 'node' in c.where && c.where.node === node);
  if (!counters) return undefined;
  const saved = parseIptablesSave(counters.after);
  if (!saved.chains.some((c) => c.table === 'nat' && c.chain === AGENT)) return undefined;
  const rules = saved.rules.filter((r) => r.table === 'nat' && r.chain === AGENT);
  const packet = { src, dst, protocol };
  // The first rule of the chain that matches the packet decides; a RETURN means the destination is the cluster's own.
  const first = rules.find((r) => ruleMayMatch(parseRuleMatch(r.args), packet));
  if (first?.target === 'MASQUERADE' || first?.target === 'RETURN') return undefined;
  const returns = rules
    .filter((r) => r.target === 'RETURN')
    .map((r) => parseRuleMatch(r.args).dst?.value)
    .filter(Boolean);
  return {
    blame: { kind: 'Node', name: node, detail: 'no masquerade for traffic leaving the cluster' },
    text: `${node}'s nat chain ${AGENT} (kindnet's masquerade agent) has no MASQUERADE rule${returns.length ? ` after its RETURNs for ${returns.join(', ')}` : ''}: packets from pod ${src} to ${dst}, outside the cluster, leave ${node} with the pod's own address, and the answers have no way back to it`,
  };
}
