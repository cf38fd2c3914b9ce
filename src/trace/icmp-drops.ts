// ICMP errors ("fragmentation needed", "port unreachable") belong to a connection
// without carrying its ports: the counted drops of ICMP on the namespaces a flow
// can have crossed.
import type { RuleDelta } from './counter-diff.js';
import { parseRuleMatch, ruleMayMatch } from './rule-match.js';
import type { FlowSpec } from './flow.js';
import { BLOCKING, ownerOf, type Owner } from './owners.js';
import { longestPrefixMatch, podRef, splitHostPort } from './routes.js';
import type { TraceIndex } from './trace-index.js';

/**
 * The namespaces a flow can have crossed: its pod and node, and for every
 * address it was sent or DNATed to (DNS queries spread over the CoreDNS pods),
 * the nodes along the routes and the pod at the end.
 */
export function crossedNamespaces(index: TraceIndex, flow: FlowSpec, endpoint: { ip: string; port: number }): Set<string> {
  const keys = new Set([flow.src.node, `pod ${podRef(flow.src)}`]);
  const ends = new Set([endpoint.ip]);
  // The node that translates the Service address: the source's, or for a NodePort the node it names.
  const translator = (index.nodePortService(flow) && index.nodesByIP.get(flow.dst)?.name) || flow.src.node;
  keys.add(translator);
  for (const c of index.counted(index.state({ node: translator }), flow, { ip: flow.dst, port: flow.port })) {
    if (c.match.toDestination) ends.add(splitHostPort(c.match.toDestination).ip);
  }
  for (const ip of ends) {
    let node: string | undefined = translator;
    const seen = new Set<string>();
    while (node && !seen.has(node)) {
      seen.add(node);
      keys.add(node);
      const route = longestPrefixMatch(index.input.routes[node] ?? [], ip);
      node = route?.gateway ? index.nodesByIP.get(route.gateway)?.name : undefined;
    }
    const pod = index.podByIP(ip);
    if (pod) keys.add(`pod ${podRef(pod)}`);
  }
  return keys;
}

/**
 * Counted DROP/REJECT rules for ICMP on the nodes the flow crossed. ICMP errors
 * ("fragmentation needed", "port unreachable") belong to a connection without
 * carrying its ports, so the flow's own view cannot match them.
 */
export function icmpDrops(index: TraceIndex, flow: FlowSpec, endpoint: { ip: string; port: number }): { node: string; delta: RuleDelta; owner: Owner }[] {
  const touched = crossedNamespaces(index, flow, endpoint);
  const ends = [flow.src.ip, endpoint.ip, flow.dst];
  const out: { node: string; delta: RuleDelta; owner: Owner }[] = [];
  for (const state of index.byKey.values()) {
    if (!touched.has(state.key) || state.inPod) continue;
    for (const delta of state.diff.rules) {
      const m = parseRuleMatch(delta.rule.args);
      if (!BLOCKING.has(delta.rule.target ?? '') || m.protocol?.negated !== false || !/^(icmp|1)$/i.test(m.protocol.value)) continue;
      const names = (t: typeof m.src) => !t || t.negated || ends.some((ip) => ruleMayMatch({ dst: t }, { src: ip, dst: ip, protocol: 'icmp' }));
      if (!names(m.src) || !names(m.dst)) continue;
      out.push({ node: state.key, delta, owner: ownerOf(delta, state.owners, false) });
    }
  }
  return out;
}
