// A pod calling itself through its own Service (hairpin). After the DNAT the SYN
// goes back into the pod it came from, source and destination the same address;
// unless the node masquerades it, the pod answers itself inside its own namespace,
// the answer is never un-NATed, and the client (which called the ClusterIP) waits.
// Upstream kube-proxy therefore marks it in each endpoint chain ("-s <endpoint IP>
// -j KUBE-MARK-MASQ") and masquerades marked packets in KUBE-POSTROUTING; in
// nftables mode the same happens in table ip kube-proxy. A hand-written RETURN or
// ACCEPT in nat POSTROUTING before that jump, matching the pod, skips the masquerade.
import { diffCounters, parseIptablesSave } from './counter-diff.js';
import type { FlowSpec, WalkResult } from './flow.js';
import type { HopObject, TraceInput } from './hops.js';
import { parseRuleMatch, ruleMayMatch } from './rule-match.js';

export interface HairpinMiss {
  text: string;
  blame: HopObject;
}

const SKIPS = new Set(['RETURN', 'ACCEPT']);

/** Why a hairpin connection got no answer, when a counted rule kept it from being masqueraded; undefined otherwise. */
export function hairpinMiss(input: TraceInput, spec: FlowSpec, walk: WalkResult): HairpinMiss | undefined {
  if (walk.endpoint?.ip !== spec.src.ip || spec.dst === spec.src.ip) return undefined;
  const node = spec.src.node;
  const counters = input.counters.find((c) => 'node' in c.where && c.where.node === node);
  if (!counters) return undefined;
  const after = parseIptablesSave(counters.after);
  const counted = new Set(diffCounters(parseIptablesSave(counters.before), after).rules.map((d) => d.rule.text));
  const postrouting = after.rules.filter((r) => r.table === 'nat' && r.chain === 'POSTROUTING');
  const jump = postrouting.find((r) => r.target === 'KUBE-POSTROUTING');
  const packet = { src: spec.src.ip, dst: spec.src.ip, protocol: spec.protocol, dport: walk.endpoint.port };
  const skip = postrouting.find(
    (r) =>
      (!jump || r.position < jump.position) &&
      SKIPS.has(r.target ?? '') &&
      counted.has(r.text) &&
      !r.text.includes('kubernetes') &&
      ruleMayMatch(parseRuleMatch(r.args), packet),
  );
  if (!skip) return undefined;
  const blame: HopObject = { kind: 'Rule', name: `-t nat ${skip.text}`, detail: node, by: 'hand-written' };
  return {
    blame,
    text: `hairpin not masqueraded on ${node}: the Service sent pod ${spec.src.namespace}/${spec.src.name}'s connection back to itself, and a hand-written rule no Kubernetes object owns, ${skip.text} (table nat), returns before kube-proxy's KUBE-POSTROUTING masquerades it; the pod answers itself directly, the answer is never un-NATed and the client waits`,
  };
}
