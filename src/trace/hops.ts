// What a trace is made of: the pods, nodes and counters it reads, and the hops,
// path and verdict it gives back. collect.ts fills a TraceInput from the lab;
// build-trace.ts turns it into a TraceResult.
import type { KubeObject, V1EndpointSlice, V1Namespace, V1NetworkPolicy, V1Service } from '../k8s/objects.js';
import type { ProbeResult } from '../lab/lab.js';
import type { Protocol } from '../k8s/netpol/types.js';

export interface TracePod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  ports: { name?: string; containerPort: number; protocol: Protocol }[];
  /** Node-side interface of the pod's veth ('' when unknown). */
  hostVeth: string;
  /** Short name for file names: the owning workload, else the pod name. */
  short: string;
}

export interface TraceNode {
  name: string;
  ip: string;
  podCIDR?: string;
}

/** One route of `ip -j route show`. */
export interface RouteEntry {
  dst: string;
  gateway?: string;
  dev?: string;
  /** unicast when absent; blackhole, unreachable, prohibit … */
  type?: string;
  /** `ip route … mtu 1400` shows as [{ mtu: 1400 }]. */
  metrics?: { mtu?: number }[];
  scope?: string;
  prefsrc?: string;
}

export type NamespaceRef = { node: string } | { namespace: string; pod: string };

export interface NamespaceCounters {
  where: NamespaceRef;
  /** `iptables-save -c` before and after the probe. */
  before: string;
  after: string;
  /** `conntrack -L` before and after (nodes only). */
  conntrackBefore?: string;
  conntrackAfter?: string;
  /** `nft list table ip kube-proxy` before and after (nodes in nftables mode only). */
  nftBefore?: string;
  nftAfter?: string;
}

export interface TraceInput {
  from: string;
  to: string;
  probe: ProbeResult;
  source: TracePod;
  /** Every pod with its own IP. */
  pods: TracePod[];
  nodes: TraceNode[];
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  policies: V1NetworkPolicy[];
  namespaces: V1Namespace[];
  counters: NamespaceCounters[];
  /** `ip -j route show` of each node, by node name. */
  routes: Record<string, RouteEntry[]>;
  /** Nodes with a ready kube-proxy pod; when given, stale rules on other nodes are blamed on kube-proxy's absence. */
  kubeProxyNodes?: string[];
  /** Every pod as the API has it (running or not), and the Deployments: why a Service has no endpoints, whose pod a fault is. */
  podObjects: KubeObject[];
  deployments: KubeObject[];
  /** The Corefile of ConfigMap kube-system/coredns, when there is one. */
  corefile?: string;
  /** net.ipv4.ip_forward of each node, by node name, where it could be read. */
  forwarding?: Record<string, boolean>;
  /** `ss -Hltnu` of pods the connection may have ended at, by `namespace/pod` (read when it was refused). */
  listeners?: Record<string, string>;
}

export type HopStatus = 'ok' | 'fail' | 'info';
export type Flow = 'dns' | 'connection';

/**
 * The object a hop names: a Kubernetes kind (Service, Pod, NetworkPolicy, Node,
 * Deployment, DaemonSet, ConfigMap …), or `Rule`, an iptables rule.
 */
export interface HopObject {
  kind: string;
  namespace?: string;
  name: string;
  /** Which part: `ingress rule 0`, `port http`, `route`; for a Rule, where it is (`worker`, `pod shop/x`). */
  detail?: string;
  /** For a Rule: who wrote it. */
  by?: 'hand-written' | 'kube-proxy' | 'chain policy';
}

export interface Hop {
  status: HopStatus;
  /** query, dns, link, service, dnat, conntrack, masquerade, policy, rule, route, arrive, delivered, dropped, rejected, refused, lost. */
  step: string;
  flow: Flow;
  text: string;
  /** Node (or `pod ns/name`) where this happened. */
  where?: string;
  object?: HopObject;
  rule?: { table: string; chain: string; text: string; packets: number };
}

export interface MatchedRule {
  where: string;
  table: string;
  chain: string;
  position: number;
  text: string;
  packets: number;
  bytes: number;
  owner: string;
  flows: Flow[];
}

export interface PathPoint {
  where: NamespaceRef;
  interface: string;
  /** `frontend-eth0`, `worker2-veth1a2b3c4d`: the pcap file's name without number. */
  label: string;
}

export type Verdict = 'delivered' | 'dropped' | 'rejected' | 'refused' | 'dns-failed' | 'lost';

export interface TraceResult {
  from: string;
  to: string;
  outcome: ProbeResult['outcome'];
  detail: string;
  ms: number;
  verdict: Verdict;
  /** The object (or hand-written rule) that killed the packet; absent when delivered or unknown. */
  blame?: HopObject;
  answeredBy?: string;
  hops: Hop[];
  /** Every counted rule this trace attributes to one of its flows. */
  rules: MatchedRule[];
  /** The interfaces along the path, in order (what --pcap captures). */
  path: PathPoint[];
  notes: string[];
}

export function whereKey(where: NamespaceRef): string {
  return 'node' in where ? where.node : `pod ${where.namespace}/${where.pod}`;
}
