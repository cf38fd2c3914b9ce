// One walk of a flow in progress (the hops and path so far, the root cause found
// on the way), and the descriptions its steps share.
import type { ConntrackEntry } from './counter-diff.js';
import type { FlowSpec, NamespaceState, WalkResult } from './flow.js';
import type { Hop, HopObject, PathPoint, TracePod, Verdict } from './hops.js';

/** kindnet's masquerade agent is in place on this node: pod traffic leaving the pod network takes the node's address. */
export function kindnetMasquerades(state: NamespaceState | undefined): boolean {
  return state?.rules.some((r) => r.table === 'nat' && r.chain === 'KIND-MASQ-AGENT' && r.target === 'MASQUERADE') ?? false;
}

export function describeConntrack(e: ConntrackEntry): string {
  const o = e.original;
  const nat = e.reply.src !== o.dst ? `, translated to ${e.reply.src}:${e.reply.sport}` : '';
  const state = e.state ? `${e.state} ` : '';
  const reply = e.unreplied ? ', no reply yet [UNREPLIED]' : ', replied';
  return `${e.protocol} ${state}${o.src}:${o.sport} → ${o.dst}:${o.dport}${nat}${reply}`;
}

export type Endpoint = { ip: string; port: number };

/** Where the walk along the routes left the packet: its endpoint, the pod there, and whether a pod veth took it. */
export interface Arrival {
  endpoint: Endpoint;
  epPod: TracePod | undefined;
  delivered: boolean;
}

/** Where the walk along the routes is: the node the packet is on, how it came in, and where it is addressed by now. */
export interface Leg {
  node: string;
  inIf: string;
  /** The source address as this node sees it, once a node on the way masqueraded the packet. */
  src: string;
  endpoint: Endpoint;
  epPod: TracePod | undefined;
}

/** The hops and path of one walk so far, and the fault found on the way that explains what follows. */
export class Walk {
  readonly hops: Hop[] = [];
  readonly path: PathPoint[] = [];
  /**
   * A fault found on the way that explains what follows (no endpoints, a stale DNAT):
   * it is blamed even when something further on is what finally dropped the packet.
   */
  rootCause: HopObject | undefined;
  tracked: ConntrackEntry | undefined;

  constructor(readonly flow: FlowSpec) {}

  readonly add = (hop: Omit<Hop, 'flow'>): void => void this.hops.push({ ...hop, flow: this.flow.kind });

  readonly end = (verdict: Verdict, blame: HopObject | undefined, endpoint?: WalkResult['endpoint']): WalkResult => {
    const b = this.rootCause ?? blame;
    const { hops, path, tracked } = this;
    return { hops, path, verdict, ...(b ? { blame: b } : {}), ...(endpoint ? { endpoint } : {}), ...(tracked ? { tracked } : {}) };
  };
}
