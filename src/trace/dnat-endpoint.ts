// Which endpoint kube-proxy's DNAT chose for a flow, from conntrack and counters.
import type { ConntrackEntry } from './counter-diff.js';
import type { CountedDnat, FlowSpec, NamespaceState } from './flow.js';
import { splitHostPort } from './routes.js';

/**
 * Which endpoint kube-proxy's DNAT sent a flow from `src` to, among the KUBE-SEP
 * DNAT rules that counted it. conntrack knows which endpoint the connection was
 * sent to; counters are the fallback when the first packet died before conntrack
 * confirmed the entry. Of several entries (one per DNS query), a failed flow is
 * about the one that got no reply.
 */
export function dnatEndpoint<C extends CountedDnat>(counted: C[], state: NamespaceState | undefined, src: string | undefined, flow: FlowSpec) {
  const dnats = counted.filter(
    (c) => c.delta.rule.table === 'nat' && c.delta.rule.target === 'DNAT' && c.match.toDestination && c.delta.rule.chain.startsWith('KUBE-SEP-'),
  );
  const entries =
    state?.conntrack.filter((e) => e.protocol === flow.protocol && e.original.src === src && e.original.dst === flow.dst && e.original.dport === flow.port) ??
    [];
  const tracked: ConntrackEntry | undefined = (flow.ok ? undefined : entries.find((e) => e.unreplied)) ?? entries[0];
  const chosen =
    (tracked && dnats.find((c) => c.match.toDestination === `${tracked.reply.src}:${tracked.reply.sport}`)) ??
    [...dnats].sort((a, b) => b.delta.packets - a.delta.packets)[0];
  let endpoint: { ip: string; port: number } | undefined;
  if (tracked && tracked.reply.src !== flow.dst) endpoint = { ip: tracked.reply.src, port: tracked.reply.sport ?? flow.port };
  else if (chosen) {
    const to = splitHostPort(chosen.match.toDestination!);
    endpoint = { ip: to.ip, port: to.port ?? flow.port };
  }
  return { dnats, tracked, chosen, endpoint };
}
