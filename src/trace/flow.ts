// One flow as the tracer follows it (the DNS query, or the connection), and what
// each network namespace on its way counted of it.
import type { ConntrackEntry, CounterDiff, SavedRule } from './counter-diff.js';
import type { Flow, Hop, HopObject, NamespaceRef, PathPoint, TracePod, Verdict } from './hops.js';
import type { NodeOwners } from './owners.js';

export interface FlowSpec {
  kind: Flow;
  src: TracePod;
  /** Destination as the pod sent it (a ClusterIP, a pod IP, an outside address). */
  dst: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** The flow got its answer: counted drops cannot be its own. */
  ok: boolean;
}

/** How one namespace sees the packet: the interfaces it crosses, and its source when a node on the way masqueraded it. */
export interface PacketContext {
  in?: string;
  out?: string;
  src?: string;
}

export interface NamespaceState {
  where: NamespaceRef;
  key: string;
  diff: CounterDiff;
  /** Every rule after the probe, counted or not. */
  rules: SavedRule[];
  conntrack: ConntrackEntry[];
  owners?: NodeOwners;
  inPod: boolean;
}

export interface WalkResult {
  hops: Hop[];
  path: PathPoint[];
  verdict: Verdict;
  blame?: HopObject;
  /** Where the packet was last known to be, for "lost after …". */
  endpoint?: { ip: string; port: number; pod?: TracePod };
  /** The flow's conntrack entry on the source node. */
  tracked?: ConntrackEntry;
}

/** What dnatEndpoint needs of a counted rule. */
export interface CountedDnat {
  delta: { packets: number; rule: { table: string; chain: string; target?: string } };
  match: { toDestination?: string };
}
