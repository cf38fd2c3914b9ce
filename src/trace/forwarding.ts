// A node with IP forwarding switched off (net.ipv4.ip_forward = 0) routes nothing
// between its pods and the network: the kernel discards every packet it would
// forward before any FORWARD rule sees it, so no counter moves and nothing
// answers. Pods are routed through their node (kindnet's ptp veths), so the
// source pod's node and the endpoint's node both have to forward.
import type { FlowSpec, WalkResult } from './flow.js';
import type { HopObject, TraceInput } from './hops.js';

export interface ForwardingOff {
  node: string;
  text: string;
  blame: HopObject;
}

/** The first node on the flow's path with forwarding off, when one is; undefined otherwise. */
export function forwardingOff(input: TraceInput, spec: FlowSpec, walk: WalkResult): ForwardingOff | undefined {
  const path = [spec.src.node, walk.endpoint?.pod?.node].filter((n): n is string => Boolean(n));
  const node = path.find((n) => input.forwarding?.[n] === false);
  if (!node) return undefined;
  return {
    node,
    blame: { kind: 'Node', name: node, detail: 'net.ipv4.ip_forward = 0' },
    text: `dropped on ${node}: IP forwarding is off (net.ipv4.ip_forward = 0), so ${node} discards every packet it would route to or from its pods, before any rule sees it (no counter moves; sysctl net.ipv4.ip_forward on the node shows it)`,
  };
}
