// Which of the NetworkPolicies isolating a pod is the one to fix, and why it
// did not allow the flow. A policy with no rules for the direction is a
// deliberate "deny"; an allow rule that names the right port but the wrong peer
// (a selector typo, an unlabelled namespace, an AND meant as an OR), or the
// right peer but the wrong port (the Service's port instead of the pod's), is
// the likely mistake, so it is named first and its near miss explained.
import type { V1LabelSelector, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { V1Namespace, V1NetworkPolicy } from '../k8s/objects.js';
import { ipBlockMatches, peerSelectsPod, policyNamespace, policyPortMatches, policyRef, policyRules, portProtocol } from '../k8s/netpol/policy.js';
import type { Direction, PolicyPod, Protocol } from '../k8s/netpol/types.js';

export interface IsolatingPolicy {
  /** `namespace/name`. */
  policy: string;
  /** Why this policy's rules did not admit the flow; absent for a policy without rules in that direction. */
  why?: string;
}

export interface DeniedFlow {
  direction: Direction;
  /** The other end: for ingress the source, for egress the destination. */
  peer: { ip: string; pod?: PolicyPod; text: string };
  /** The destination pod (named ports resolve against it). */
  dstPod?: PolicyPod;
  port: number;
  protocol: Protocol;
}

function selectorText(selector: V1LabelSelector): string {
  const pairs = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const exprs = (selector.matchExpressions ?? []).map((e) => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(',')})` : ''}`);
  const all = [...pairs, ...exprs];
  return all.length ? all.join(',') : '{} (everything)';
}

function peerText(peer: V1NetworkPolicyPeer): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${peer.ipBlock.except.join(',')}` : ''}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector ${selectorText(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`podSelector ${selectorText(peer.podSelector)}`);
  return parts.join(' AND ');
}

function portText(port: V1NetworkPolicyPort): string {
  const proto = portProtocol(port).toLowerCase();
  if (port.port === undefined || port.port === null) return `all ${proto}`;
  return `${proto}/${port.port}${port.endPort ? `-${port.endPort}` : ''}`;
}

/**
 * The policies in `selecting` (names as `namespace/name`) ordered most likely
 * mistake first, each with why its rules miss the flow.
 */
export function rankIsolatingPolicies(policies: V1NetworkPolicy[], namespaces: V1Namespace[], selecting: string[], flow: DeniedFlow): IsolatingPolicy[] {
  const ranked = selecting.map((ref, order) => {
    const policy = policies.find((p) => policyRef(p) === ref);
    const rules = policy ? policyRules(policy, flow.direction) : [];
    if (!policy || rules.length === 0) return { ref, order, rank: 0 };
    const side = flow.direction === 'ingress' ? 'from' : 'to';
    let best: { rank: number; why: string } = {
      rank: 1,
      why: `none of its ${flow.direction} rules matches ${flow.peer.text} or ${flow.protocol.toLowerCase()}/${flow.port}`,
    };
    for (const [i, rule] of rules.entries()) {
      const peerOk =
        rule.peers.length === 0 ||
        rule.peers.some((p) =>
          p.ipBlock
            ? ipBlockMatches(p.ipBlock, flow.peer.ip)
            : flow.peer.pod !== undefined && peerSelectsPod(p, policyNamespace(policy), flow.peer.pod, namespaces),
        );
      const portOk = rule.ports.length === 0 || rule.ports.some((p) => policyPortMatches(p, flow.port, flow.protocol, flow.dstPod));
      if (peerOk && !portOk) {
        best = {
          rank: 2,
          why: `its ${flow.direction} rule ${i} admits ${flow.peer.text} but only ${rule.ports.map(portText).join(', ')}, not ${flow.protocol.toLowerCase()}/${flow.port}`,
        };
        break;
      }
      if (portOk && !peerOk) {
        best = {
          rank: 2,
          why: `its ${flow.direction} rule ${i} admits ${rule.ports.length ? rule.ports.map(portText).join(', ') : 'every port'}, but its ${side} (${rule.peers.map(peerText).join('; ')}) does not match ${flow.peer.text}`,
        };
        break;
      }
    }
    return { ref, order, ...best };
  });
  return ranked.sort((a, b) => b.rank - a.rank || a.order - b.order).map((r) => ('why' in r && r.why ? { policy: r.ref, why: r.why } : { policy: r.ref }));
}
