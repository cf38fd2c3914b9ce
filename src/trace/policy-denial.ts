// Which NetworkPolicies deny a flow, from the policy objects alone: for a drop
// counted on a policy chain, and for one that no iptables counter shows (kind's
// kindnet enforces policies in nftables).
import { evaluateFlow, type FlowVerdict } from '../k8s/netpol/evaluate.js';
import type { Direction, Protocol } from '../k8s/netpol/types.js';
import { rankIsolatingPolicies, type IsolatingPolicy } from './policy-miss.js';
import type { FlowSpec } from './flow.js';
import type { HopObject } from './hops.js';
import { podRef } from './routes.js';
import type { TraceIndex } from './trace-index.js';

/**
 * The NetworkPolicies that deny this flow (in `direction`, else whichever
 * direction denies it), most likely mistake first; undefined when the
 * policies allow it or cannot be evaluated.
 */
export function deniedBy(
  index: TraceIndex,
  flow: FlowSpec,
  endpoint: { ip: string; port: number },
  direction?: Direction,
): { direction: Direction; policies: IsolatingPolicy[] } | undefined {
  const protocol = flow.protocol.toUpperCase() as Protocol;
  let verdict: FlowVerdict;
  try {
    verdict = evaluateFlow(
      { pods: index.policyPods, namespaces: index.input.namespaces, policies: index.input.policies },
      { from: { ip: flow.src.ip }, to: { ip: endpoint.ip }, port: endpoint.port, protocol },
    );
  } catch {
    return undefined;
  }
  const dir = direction ?? (!verdict.egress.allowed ? 'egress' : !verdict.ingress.allowed ? 'ingress' : undefined);
  if (!dir || verdict[dir].selectedBy.length === 0) return undefined;
  const srcPod = index.policyPods.find((p) => p.ip === flow.src.ip);
  const dstPod = index.policyPods.find((p) => p.ip === endpoint.ip);
  const peer =
    dir === 'ingress'
      ? { ip: flow.src.ip, ...(srcPod ? { pod: srcPod } : {}), text: `pod ${podRef(flow.src)}` }
      : { ip: endpoint.ip, ...(dstPod ? { pod: dstPod } : {}), text: dstPod ? `pod ${podRef(dstPod)}` : endpoint.ip };
  const policies = rankIsolatingPolicies(index.input.policies, index.input.namespaces, verdict[dir].selectedBy, {
    direction: dir,
    peer,
    ...(dstPod ? { dstPod } : {}),
    port: endpoint.port,
    protocol,
  });
  return { direction: dir, policies };
}

/**
 * A flow lost without any iptables rule counting a drop, which the
 * NetworkPolicy objects deny: the policy was enforced where counters do not
 * show (kind's kindnet enforces policies in nftables, not iptables).
 */
export function uncountedPolicyDrop(index: TraceIndex, flow: FlowSpec, endpoint: { ip: string; port: number }): { blame: HopObject; text: string } | undefined {
  const denied = deniedBy(index, flow, endpoint);
  const first = denied?.policies[0];
  if (!denied || !first) return undefined;
  const [namespace, name] = first.policy.split('/') as [string, string];
  const dst = index.podByIP(endpoint.ip);
  const peer = denied.direction === 'ingress' ? `from pod ${podRef(flow.src)}` : `to ${dst ? `pod ${podRef(dst)}` : endpoint.ip}`;
  return {
    blame: { kind: 'NetworkPolicy', namespace, name, detail: denied.direction },
    text: `no iptables rule counted a drop, but NetworkPolicy ${denied.policies.map((p) => p.policy).join(', ')} (${denied.direction}) allows no ${flow.protocol}/${endpoint.port} ${peer}${first.why ? ` (${first.policy}: ${first.why})` : ''}; a policy enforced outside iptables (kindnet's nftables on kind) drops without counters here`,
  };
}
