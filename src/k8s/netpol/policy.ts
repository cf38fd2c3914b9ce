// NetworkPolicy (networking.k8s.io/v1) semantics shared by the reference
// evaluator and the iptables compiler, so both read a policy the same way.
import type { V1IPBlock, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { V1Namespace, V1NetworkPolicy } from '../objects.js';
import { cidrContains, parseIPv4CidrStrict, parseIPv4Strict } from '../ipv4.js';
import { matchesLabelSelector } from './selector.js';
import type { Direction, PolicyPod, Protocol } from './types.js';

/** One ingress or egress rule, with `from`/`to` folded into `peers`. */
export interface PolicyRule {
  /** Empty: the rule matches every peer. */
  peers: V1NetworkPolicyPeer[];
  /** Empty: the rule matches every port and protocol. */
  ports: V1NetworkPolicyPort[];
}

export function policyNamespace(policy: V1NetworkPolicy): string {
  return policy.metadata?.namespace ?? 'default';
}

/** `namespace/name`, how verdicts, comments and owners name a policy. */
export function policyRef(policy: V1NetworkPolicy): string {
  return `${policyNamespace(policy)}/${policy.metadata?.name ?? ''}`;
}

export function podRef(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

/** Policies sorted by namespace/name, so every output is independent of input order. */
export function sortedPolicies(policies: V1NetworkPolicy[]): V1NetworkPolicy[] {
  return [...policies].sort((a, b) => compare(policyRef(a), policyRef(b)));
}

export function sortedPods<T extends { namespace: string; name: string }>(pods: T[]): T[] {
  return [...pods].sort((a, b) => compare(podRef(a), podRef(b)));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The directions a policy isolates. Defaulting as the API server does
 * (SetDefaults_NetworkPolicy): when policyTypes is unset or empty, Ingress
 * always, plus Egress when the policy has at least one egress rule. So
 * `egress: []` without policyTypes does NOT isolate egress.
 */
export function policyDirections(policy: V1NetworkPolicy): Set<Direction> {
  const spec = policy.spec;
  const types = spec?.policyTypes ?? [];
  if (types.length > 0) {
    const out = new Set<Direction>();
    if (types.includes('Ingress')) out.add('ingress');
    if (types.includes('Egress')) out.add('egress');
    return out;
  }
  return new Set<Direction>((spec?.egress?.length ?? 0) > 0 ? ['ingress', 'egress'] : ['ingress']);
}

/**
 * True when `policy` selects `pod` for `direction`: same namespace, podSelector
 * matches (absent podSelector is the empty selector: the Go field is not a
 * pointer), and the direction is among the policy's types.
 */
export function policySelects(policy: V1NetworkPolicy, pod: PolicyPod, direction: Direction): boolean {
  if (policyNamespace(policy) !== pod.namespace) return false;
  if (!policyDirections(policy).has(direction)) return false;
  return matchesLabelSelector(policy.spec?.podSelector ?? {}, pod.labels);
}

/**
 * The rules of one direction. Manifests say `from`; @kubernetes/client-node's
 * class names the same field `_from` (a reserved word in its generator), so
 * both spellings are read.
 */
export function policyRules(policy: V1NetworkPolicy, direction: Direction): PolicyRule[] {
  if (direction === 'ingress') {
    return (policy.spec?.ingress ?? []).map((rule) => {
      const raw = rule as { from?: V1NetworkPolicyPeer[]; _from?: V1NetworkPolicyPeer[] };
      return { peers: raw.from ?? raw._from ?? [], ports: rule.ports ?? [] };
    });
  }
  return (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to ?? [], ports: rule.ports ?? [] }));
}

export function namespaceLabels(namespaces: V1Namespace[], name: string): Record<string, string> {
  const ns = namespaces.find((n) => n.metadata?.name === name);
  // The API server sets this label on every namespace (1.21+); keep it even for
  // a namespace missing from the list so namespaceSelectors on it still work.
  return { ...(ns?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': name };
}

/**
 * True when a selector peer (podSelector and/or namespaceSelector) selects
 * `pod`. podSelector only: pods in the policy's namespace. namespaceSelector
 * only: every pod in the selected namespaces. Both in ONE peer: AND. A peer
 * with ipBlock is not a selector peer (ipBlock matches by address, see
 * ipBlockMatches); a peer with neither field is rejected by the API server and
 * matches nothing here.
 */
export function peerSelectsPod(peer: V1NetworkPolicyPeer, policyNs: string, pod: PolicyPod, namespaces: V1Namespace[]): boolean {
  if (peer.ipBlock) return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (peer.namespaceSelector) {
    if (!matchesLabelSelector(peer.namespaceSelector, namespaceLabels(namespaces, pod.namespace))) return false;
  } else if (pod.namespace !== policyNs) {
    return false;
  }
  return !peer.podSelector || matchesLabelSelector(peer.podSelector, pod.labels);
}

/**
 * ipBlock matches by address alone, pod or not. Upstream says ipBlock is meant
 * for cluster-external addresses and leaves it to the implementation whether it
 * also matches pod IPs. We match every address in the block because (1) that is
 * what an iptables `-s/-d CIDR` match does, so the evaluator and the kernel can
 * never disagree, (2) kube-network-policies (kindnet's enforcer, the one kind
 * users meet) and Calico do the same, and (3) a learner reading
 * `ipBlock: 10.244.0.0/16` expects it to cover the pods in that range.
 * Unparsable or IPv6 CIDRs match nothing (the lab is IPv4-only).
 */
export function ipBlockMatches(block: V1IPBlock, ip: string): boolean {
  const addr = parseIPv4Strict(ip);
  const cidr = parseIPv4CidrStrict(block.cidr);
  if (addr === undefined || !cidr || !cidrContains(cidr, addr)) return false;
  for (const except of block.except ?? []) {
    const ex = parseIPv4CidrStrict(except);
    if (ex && cidrContains(ex, addr)) return false;
  }
  return true;
}

export function portProtocol(port: V1NetworkPolicyPort): string {
  return port.protocol ?? 'TCP';
}

/**
 * The container port numbers a named port resolves to on `pod`: container ports
 * with that name AND the policy port's protocol. Sorted, no duplicates.
 */
export function resolveNamedPort(pod: PolicyPod, name: string, protocol: string): number[] {
  const numbers = pod.ports.filter((p) => p.name === name && p.protocol === protocol).map((p) => p.containerPort);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/**
 * True when one NetworkPolicyPort matches a destination port. A named port is
 * resolved against the destination pod (for ingress the selected pod, for
 * egress the pod being connected to); with no destination pod it never
 * matches. endPort makes `port..endPort` inclusive; it is only valid with a
 * numeric port and is ignored on a named one.
 */
export function policyPortMatches(policyPort: V1NetworkPolicyPort, port: number, protocol: Protocol, dstPod: PolicyPod | undefined): boolean {
  if (portProtocol(policyPort) !== protocol) return false;
  const p = policyPort.port;
  if (p === undefined || p === null) return true;
  if (typeof p === 'number') {
    if (policyPort.endPort !== undefined && policyPort.endPort !== null) return port >= p && port <= policyPort.endPort;
    return port === p;
  }
  return dstPod !== undefined && resolveNamedPort(dstPod, p, protocol).includes(port);
}
