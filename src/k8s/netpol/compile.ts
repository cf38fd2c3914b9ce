// NetworkPolicy for one node as iptables-restore input. Feed it to
// `iptables-restore --noflush` inside the node's network namespace: declaring a
// chain that already exists flushes it, so each run replaces every NETPOL- chain
// atomically and leaves everyone else's rules (kube-proxy's, faults') alone.
// The FORWARD -> NETPOL-FORWARD jump is not part of it; see jump.ts.
import { planNetpol, type PlannedRule } from './plan.js';
import type { PolicyInput } from './types.js';

/** iptables keeps at most 255 bytes of a comment. */
const MAX_COMMENT = 255;

export function netpolRestore(input: PolicyInput): string {
  const plan = planNetpol(input);
  const lines = ['*filter'];
  // Stale chains are declared too: that flushes them, dropping their jumps into
  // other stale chains, so the -X lines below can delete them in any order.
  for (const chain of plan.chains) lines.push(`:${chain.name} - [0:0]`);
  for (const name of plan.stale) lines.push(`:${name} - [0:0]`);
  for (const chain of plan.chains) {
    for (const rule of chain.rules) lines.push(renderRule(chain.name, rule));
  }
  for (const name of plan.stale) lines.push(`-X ${name}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

export function renderRule(chain: string, rule: PlannedRule): string {
  return ['-A', chain, ...rule.match, '-m', 'comment', '--comment', quote(rule.comment), ...rule.target].join(' ');
}

function quote(comment: string): string {
  // Kubernetes names cannot hold quotes or backslashes; keep the line parsable anyway.
  let text = comment.replace(/["\\\n\r]/g, '_');
  if (Buffer.byteLength(text) > MAX_COMMENT) {
    while (Buffer.byteLength(`${text}...`) > MAX_COMMENT) text = text.slice(0, -1);
    text = `${text}...`;
  }
  return `"${text}"`;
}
