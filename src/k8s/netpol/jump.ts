// The one rule outside our own chains: filter FORWARD -> NETPOL-FORWARD.
//
// Order matters. kube-proxy's KUBE-FORWARD chain ACCEPTs every packet carrying
// its masquerade mark 0x4000 ("kubernetes forwarding rules": NodePort and other
// traffic it will SNAT, including hairpin Service traffic) and every
// ESTABLISHED,RELATED packet. ACCEPT ends the FORWARD chain, so if the jump to
// KUBE-FORWARD came first, marked Service traffic would be accepted before any
// policy saw it and NetworkPolicy would silently stop applying to it. Our jump
// must therefore come BEFORE `-j KUBE-FORWARD`. kube-proxy adds its jumps with
// "prepend if missing", so after a kube-proxy restart it can end up in front;
// planNetpolJump moves ours back instead of only checking that it exists.
import { TOP_CHAIN } from './chain-names.js';

export const NETPOL_JUMP_COMMENT = 'netbreak: NetworkPolicy enforcement';

/** The rule after the chain name, as argv (no shell quoting needed). */
export function netpolJumpRuleSpec(): string[] {
  return ['-m', 'comment', '--comment', NETPOL_JUMP_COMMENT, '-j', TOP_CHAIN];
}

/**
 * The jump in the same shape as kube-proxy's jumps: `rule` is the argv after
 * `iptables -t filter -C|-I FORWARD`. Install it before kube-proxy's FORWARD jumps.
 */
export const netpolJump = {
  table: 'filter',
  chain: 'FORWARD',
  rule: netpolJumpRuleSpec(),
} as const satisfies { table: 'filter'; chain: string; rule: readonly string[] };

/**
 * argv for `iptables` (without the program name): `-C` checks, `-I` inserts at
 * position 1, `-D` deletes.
 */
export function netpolJumpArgv(op: '-C' | '-I' | '-D'): string[] {
  return ['-w', '-t', 'filter', op, 'FORWARD', ...(op === '-I' ? ['1'] : []), ...netpolJumpRuleSpec()];
}

/**
 * What to run so the jump exists exactly once and precedes the KUBE-FORWARD
 * jump, given the output lines of `iptables -t filter -S FORWARD`. Returns argv
 * lists for `iptables`, in order; empty when nothing needs to change.
 */
export function planNetpolJump(forwardRules: string[]): string[][] {
  const appended = forwardRules.filter((line) => line.startsWith('-A FORWARD '));
  const jumpsTo = (line: string, chain: string) => {
    const words = line.trim().split(/\s+/);
    const j = words.findIndex((w, i) => (w === '-j' || w === '-g') && words[i + 1] === chain);
    return j >= 0;
  };
  const ours = appended.flatMap((line, i) => (jumpsTo(line, TOP_CHAIN) ? [i] : []));
  const kube = appended.findIndex((line) => jumpsTo(line, 'KUBE-FORWARD'));
  const wellPlaced = ours.length === 1 && (kube < 0 || ours[0]! < kube);
  if (wellPlaced) return [];
  return [...ours.map(() => netpolJumpArgv('-D')), netpolJumpArgv('-I')];
}
