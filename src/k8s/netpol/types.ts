// The data every part of NetworkPolicy enforcement works from: the compiler
// (iptables rules for one node), the reference evaluator and the chain-owner map.
import type { V1Namespace, V1NetworkPolicy } from '../objects.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Direction = 'ingress' | 'egress';

export interface PolicyPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip: string;
  nodeName: string;
  /** Node-side interface name of this pod's veth. */
  hostVeth: string;
  ports: { name?: string; containerPort: number; protocol: Protocol }[];
}

export interface PolicyInput {
  /** Compile rules for the pods on this node. */
  nodeName: string;
  /** Every running pod with an IP, cluster-wide. */
  pods: PolicyPod[];
  /** With labels; `kubernetes.io/metadata.name` is set on every namespace. */
  namespaces: V1Namespace[];
  policies: V1NetworkPolicy[];
  /** Filter-table chains present now (from iptables-save), so stale NETPOL- chains can be deleted. */
  existingChains: string[];
}

/** What a chain is for, so a packet tracer can name the object behind a counter. */
export interface ChainOwner {
  /** `namespace/name` of the NetworkPolicy, on per-rule chains. */
  policy?: string;
  /** Index into `spec.ingress` or `spec.egress`, on per-rule chains. */
  rule?: number;
  direction: Direction;
  /** `namespace/name` of the pod, on per-pod chains. */
  pod?: string;
}
