// Whether two counter readings of a namespace can be subtracted. kube-proxy (upstream's
// iptables-restore --noflush of every chain it syncs, or its nftables transaction) and the
// NetworkPolicy agent rewrite whole chains whenever Services, endpoints or pods change, and a
// rewritten rule counts from zero again: a probe that ran just before the rewrite vanishes from
// the difference, and trace would say no kube-proxy rule counted it. Trace probes again instead.
import type { CounterSnapshot } from '../lab/lab.js';
import { parseIptablesSave, rulesWithoutCounters } from './counter-diff.js';
import { parseNftTable } from './nft-counters.js';

/** True when the rules differ, or a rule's counter went down: someone rewrote rules between the two readings. */
export function iptablesRewritten(before: string, after: string): boolean {
  if (rulesWithoutCounters(before) !== rulesWithoutCounters(after)) return true;
  // Same rules in the same order: each rule's counter can only have grown, unless it was rewritten.
  const earlier = parseIptablesSave(before).rules;
  return parseIptablesSave(after).rules.some((rule, i) => rule.packets < (earlier[i]?.packets ?? 0));
}

/** The same for `nft list table ip kube-proxy`, which kube-proxy in nftables mode replaces as a whole. */
export function nftRewritten(before: string, after: string): boolean {
  const earlier = parseNftTable(before);
  const later = parseNftTable(after);
  if (earlier.length !== later.length) return true;
  return later.some((rule, i) => {
    const was = earlier[i]!;
    return rule.chain !== was.chain || rule.text !== was.text || rule.packets < was.packets;
  });
}

/** The namespaces whose rules were rewritten between the two readings (a reading that failed is left out). */
export function rewrittenBetween(before: CounterSnapshot[], after: CounterSnapshot[]): CounterSnapshot['target'][] {
  return before.flatMap((b, i) => {
    const a = after[i];
    if (!a || b.error || a.error) return [];
    const nft = b.nft !== undefined && a.nft !== undefined && nftRewritten(b.nft, a.nft);
    return nft || iptablesRewritten(b.iptables, a.iptables) ? [b.target] : [];
  });
}
