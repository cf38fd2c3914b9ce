// The reference answer to "does NetworkPolicy allow this flow?", with upstream
// semantics and no iptables in sight. Tests hold the compiled rules to it, guards
// use it to predict a scenario's outcome, and the packet tracer uses it to say
// which policy rule allowed (or failed to allow) a connection.
import type { V1NetworkPolicy } from '../objects.js';
import { ipBlockMatches, peerSelectsPod, policyNamespace, policyPortMatches, policyRef, policyRules, policySelects, sortedPolicies } from './policy.js';
import type { Direction, PolicyInput, PolicyPod, Protocol } from './types.js';
import { assertSelectorsValid } from './validate.js';

export type EvaluateInput = Omit<PolicyInput, 'nodeName' | 'existingChains'>;

export interface FlowEnd {
  ip: string;
  /** The pod behind `ip`. When absent, the pod with that IP in `input.pods` is used, if any. */
  pod?: PolicyPod;
  /**
   * Set when `ip` is a node's own address (host network): the node name.
   * Traffic between a pod and its own node is exempt (see Verdict.exempt).
   */
  node?: string;
}

export interface Flow {
  from: FlowEnd;
  to: FlowEnd;
  port: number;
  protocol: Protocol;
}

export interface Verdict {
  /** Some policy selects the pod for this direction. */
  isolated: boolean;
  /** `ns/name` of the policies that select the pod for this direction. */
  selectedBy: string[];
  /** Every rule (index into spec.ingress / spec.egress) that matches the flow. */
  allowedBy: { policy: string; rule: number }[];
  /** `!isolated || allowedBy.length > 0 || exempt`. */
  allowed: boolean;
  /** Why policy does not apply at all, e.g. traffic between a pod and its own node. */
  exempt?: string;
}

export interface FlowVerdict {
  allowed: boolean;
  egress: Verdict;
  ingress: Verdict;
}

const notAPod = (): Verdict => ({ isolated: false, selectedBy: [], allowedBy: [], allowed: true });

/**
 * Evaluates one flow. Egress is judged at the source pod and ingress at the
 * destination pod; both must allow. An end that is not a pod has no side to
 * judge. A pod is isolated for a direction iff some policy in its namespace
 * selects it with that direction in its (defaulted) policyTypes; an isolated
 * pod's traffic is allowed iff at least one rule of at least one selecting
 * policy matches (rules and policies are a union; nothing ever denies).
 * Throws when a policy holds a label selector the API server would reject.
 */
export function evaluateFlow(input: EvaluateInput, flow: Flow): FlowVerdict {
  assertSelectorsValid(input.policies);
  const policies = sortedPolicies(input.policies);
  const src = flow.from.pod ?? podByIP(input.pods, flow.from.ip);
  const dst = flow.to.pod ?? podByIP(input.pods, flow.to.ip);
  const egress = src ? verdictFor(input, policies, 'egress', src, { ip: flow.to.ip, pod: dst, node: flow.to.node }, flow, dst) : notAPod();
  const ingress = dst ? verdictFor(input, policies, 'ingress', dst, { ip: flow.from.ip, pod: src, node: flow.from.node }, flow, dst) : notAPod();
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

function podByIP(pods: PolicyPod[], ip: string): PolicyPod | undefined {
  return pods.find((p) => p.ip === ip);
}

function verdictFor(
  input: EvaluateInput,
  policies: V1NetworkPolicy[],
  direction: Direction,
  pod: PolicyPod,
  peer: FlowEnd,
  flow: Flow,
  dstPod: PolicyPod | undefined,
): Verdict {
  const selecting = policies.filter((p) => policySelects(p, pod, direction));
  const selectedBy = selecting.map(policyRef);
  const allowedBy: Verdict['allowedBy'] = [];
  for (const policy of selecting) {
    policyRules(policy, direction).forEach((rule, index) => {
      const peerOk =
        rule.peers.length === 0 ||
        rule.peers.some((p) =>
          p.ipBlock ? ipBlockMatches(p.ipBlock, peer.ip) : peer.pod !== undefined && peerSelectsPod(p, policyNamespace(policy), peer.pod, input.namespaces),
        );
      const portOk = rule.ports.length === 0 || rule.ports.some((p) => policyPortMatches(p, flow.port, flow.protocol, dstPod));
      if (peerOk && portOk) allowedBy.push({ policy: policyRef(policy), rule: index });
    });
  }
  const isolated = selecting.length > 0;
  // Upstream: ingress from the pod's own node is always allowed (kubelet probes).
  // In this lab node<->own-pod traffic uses the node's INPUT/OUTPUT chains, never
  // FORWARD, so neither direction can be filtered; the evaluator says the same.
  const exempt = peer.node !== undefined && peer.node === pod.nodeName ? 'traffic between a pod and its own node is always allowed' : undefined;
  const verdict: Verdict = { isolated, selectedBy, allowedBy, allowed: !isolated || allowedBy.length > 0 || exempt !== undefined };
  if (exempt) verdict.exempt = exempt;
  return verdict;
}
