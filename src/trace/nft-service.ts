// kube-proxy in nftables mode on the source node, read from the counters of
// `table ip kube-proxy`: which service- chain the packet entered, which endpoint-
// chain DNATed it (and whether that address is still an endpoint), or that
// reject-chain answered for a Service without endpoints.
import { NFT, nftServiceChains } from '../k8s/kube-proxy/nft-names.js';
import type { ConntrackEntry } from './counter-diff.js';
import type { NftDelta } from './nft-counters.js';

export interface NftServiceInput {
  /** The node the flow left from. */
  node: string;
  service: { namespace: string; name: string; portName: string; protocol: string };
  serviceText: string;
  flow: { dst: string; port: number; protocol: string; ok: boolean; retried: string };
  src: string;
  grown: NftDelta[];
  conntrack: ConntrackEntry[];
  /** `ip:port` of every endpoint the Service has now. */
  current: string[];
  /** Whether a kube-proxy pod runs on the node; undefined when unknown. */
  kubeProxyRunning: boolean | undefined;
  podAt(ip: string): { ref: string; namespace: string; name: string } | undefined;
}

export interface NftServiceHop {
  status: 'ok' | 'fail' | 'info';
  step: 'service' | 'dnat';
  text: string;
  object?: { kind: string; namespace?: string; name: string; detail?: string; by?: 'kube-proxy' };
  rule?: { table: string; chain: string; text: string; packets: number };
}

export interface NftServiceResult {
  hops: NftServiceHop[];
  endpoint?: { ip: string; port: number };
  tracked?: ConntrackEntry;
  /** The object at fault, when kube-proxy's table is where the flow went wrong. */
  rootCause?: NftServiceHop['object'];
  /** reject-chain counted: the Service has no endpoints; the caller names why. */
  rejected: boolean;
  /** Neither a service chain nor reject-chain counted the flow. */
  untouched: boolean;
}

const ruleOf = (d: NftDelta) => ({ table: 'ip kube-proxy', chain: d.rule.chain, text: d.rule.text, packets: d.packets });

export function nftServiceHops(input: NftServiceInput): NftServiceResult {
  const { service: s, flow, node } = input;
  const chains = Object.values(nftServiceChains(s.namespace, s.name, s.protocol, s.portName));
  const hops: NftServiceHop[] = [];
  const entered = input.grown.find((d) => chains.includes(d.rule.chain));
  if (entered) hops.push({ status: 'ok', step: 'service', text: `services → ${entered.rule.chain} (${input.serviceText})`, rule: ruleOf(entered) });

  const dnats = input.grown.filter((d) => d.rule.dnatTo && d.rule.chain.startsWith('endpoint-'));
  const entries = input.conntrack.filter(
    (e) => e.protocol === flow.protocol && e.original.src === input.src && e.original.dst === flow.dst && e.original.dport === flow.port,
  );
  const tracked = (flow.ok ? undefined : entries.find((e) => e.unreplied)) ?? entries[0];
  const chosen =
    (tracked && dnats.find((d) => d.rule.dnatTo === `${tracked.reply.src}:${tracked.reply.sport}`)) ?? [...dnats].sort((a, b) => b.packets - a.packets)[0];
  let endpoint: { ip: string; port: number } | undefined;
  if (tracked && tracked.reply.src !== flow.dst) endpoint = { ip: tracked.reply.src, port: tracked.reply.sport ?? flow.port };
  else if (chosen) {
    const [ip, port] = chosen.rule.dnatTo!.split(':');
    endpoint = { ip: ip!, port: Number(port ?? flow.port) };
  }
  const result: NftServiceResult = { hops, rejected: false, untouched: false };
  if (endpoint) result.endpoint = endpoint;
  if (tracked) result.tracked = tracked;

  if (chosen && endpoint) {
    const pod = input.podAt(endpoint.ip);
    const others = [...new Set(dnats.filter((d) => d !== chosen).map((d) => d.rule.dnatTo))];
    const to = `${endpoint.ip}:${endpoint.port}`;
    if (input.current.includes(to) || flow.ok) {
      hops.push({
        status: 'ok',
        step: 'dnat',
        text: `${chosen.rule.chain} dnat to ${to}${pod ? ` (pod ${pod.ref})` : ''}${others.length ? ` (${flow.retried} ${others.join(', ')})` : ''}`,
        ...(pod ? { object: { kind: 'Pod', namespace: pod.namespace, name: pod.name } } : {}),
        rule: ruleOf(chosen),
      });
    } else {
      // The chain DNATs to an address that is no endpoint of the Service now: kube-proxy
      // on this node has not rebuilt its table since the endpoints changed.
      const running = input.kubeProxyRunning;
      result.rootCause =
        running === false
          ? { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${node}: its nftables rules are stale` }
          : { kind: 'Rule', name: `${chosen.rule.chain}: ${chosen.rule.text}`, detail: node, by: 'kube-proxy' };
      const now = input.current.length ? `its endpoints now are ${input.current.join(', ')}` : 'it has no endpoints now';
      hops.push({
        status: 'fail',
        step: 'dnat',
        text: `${chosen.rule.chain} dnat to ${to}: a stale rule, ${pod ? `pod ${pod.ref} is no endpoint of ${input.serviceText}` : 'no pod has this address any more'} (${now}; ${running === false ? `kube-proxy is not running on ${node}` : `is kube-proxy on ${node} syncing?`})`,
        object: result.rootCause,
        rule: ruleOf(chosen),
      });
    }
  }
  if (!entered && !chosen) {
    result.rejected = input.grown.some((d) => d.rule.chain === NFT.rejectChain);
    result.untouched = !result.rejected;
  }
  return result;
}
