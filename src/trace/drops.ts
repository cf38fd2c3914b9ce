// Where a packet died in one namespace: the counted DROP or REJECT (or chain
// policy) that fits the flow best, described by its owner: a NetworkPolicy,
// kube-proxy (no endpoints, traffic policy Local, source ranges), or a hand-written rule.
import type { Direction } from '../k8s/netpol/types.js';
import type { ChainPolicyDelta, RuleDelta } from './counter-diff.js';
import type { FlowSpec, NamespaceState, PacketContext } from './flow.js';
import type { Hop, HopObject, Verdict } from './hops.js';
import { BLOCKING, ruleOf, type Owner } from './owners.js';
import { podRef } from './routes.js';
import type { TraceIndex } from './trace-index.js';
import { deniedBy } from './policy-denial.js';

/** The counted DROP/REJECT (or chain policy) in one namespace that fits this flow best. */
export function findDrop(
  index: TraceIndex,
  state: NamespaceState | undefined,
  flow: FlowSpec,
  endpoint: { ip: string; port: number },
  iface: PacketContext,
  node?: string,
) {
  if (!state) return undefined;
  const blocking = index.counted(state, flow, endpoint, iface).filter((c) => BLOCKING.has(c.delta.rule.target ?? ''));
  const score = (c: (typeof blocking)[number]) => (c.specific ? 2 : 0) + (c.owner.netpol?.pod ? 1 : 0);
  const best = blocking.sort((a, b) => score(b) - score(a) || b.delta.packets - a.delta.packets)[0];
  const where = node ?? state.key;
  if (best) return describeDrop(index, best.delta, best.owner, flow, endpoint, where, state.inPod);
  // Chain policies count packets no rule decided on; they cannot be filtered by address.
  const policy = state.diff.policies.find((p) => p.chain.policy === 'DROP' && ['FORWARD', 'INPUT', 'OUTPUT'].includes(p.chain.chain));
  if (policy) return describePolicyDrop(policy, flow, where);
  return undefined;
}

function describePolicyDrop(policy: ChainPolicyDelta, flow: FlowSpec, where: string) {
  const blame: HopObject = {
    kind: 'Rule',
    name: `${policy.chain.table === 'filter' ? '' : `-t ${policy.chain.table} `}-P ${policy.chain.chain} DROP`,
    detail: where,
    by: 'chain policy',
  };
  return {
    verdict: 'dropped' as Verdict,
    blame,
    kubeProxy: false,
    hop: (w: string): Hop => ({
      status: 'fail',
      step: 'dropped',
      flow: flow.kind,
      text: `dropped on ${w} by the ${policy.chain.table} ${policy.chain.chain} chain's policy DROP: no rule accepted the packet (a policy set by hand: iptables -P ${policy.chain.chain} DROP)`,
      where,
      object: blame,
    }),
  };
}

function describeDrop(
  index: TraceIndex,
  delta: RuleDelta,
  owner: Owner,
  flow: FlowSpec,
  endpoint: { ip: string; port: number },
  where: string,
  inPod: boolean,
) {
  const rule = ruleOf(delta);
  const rejected = delta.rule.target === 'REJECT';
  const verb = rejected ? 'rejected' : 'dropped';
  const verdict: Verdict = rejected ? 'rejected' : 'dropped';
  const on = inPod ? `in ${where}` : `on ${where}`;
  const make = (text: string, blame: HopObject, kubeProxy = false) => ({
    verdict,
    blame,
    kubeProxy,
    hop: (): Hop => ({ status: 'fail', step: verb, flow: flow.kind, text, where, object: blame, rule }),
  });
  const proto = `${flow.protocol}/${endpoint.port}`;
  const dstPod = index.podByIP(endpoint.ip);
  const dstText = dstPod ? `pod ${podRef(dstPod)}` : endpoint.ip;

  if (owner.by === 'netpol' && owner.netpol?.pod) {
    const direction: Direction = owner.netpol.direction;
    let ranked = deniedBy(index, flow, endpoint, direction)?.policies ?? [];
    // Selectors the API server would reject cannot be evaluated: the rule's comment names the policies.
    if (ranked.length === 0)
      ranked = (delta.rule.comment ?? '')
        .split(` ${direction}:`)[0]!
        .split(', ')
        .filter((s) => s.includes('/'))
        .map((policy) => ({ policy }));
    const first = ranked[0] ?? { policy: 'unknown/unknown' };
    const [ns, name] = first.policy.split('/') as [string, string];
    const peer = direction === 'ingress' ? `from pod ${podRef(flow.src)}` : `to ${dstText}`;
    const text = `${verb} ${on} by NetworkPolicy ${ranked.map((r) => r.policy).join(', ')} (${direction}: it isolates ${owner.netpol.pod} and no rule allows ${proto} ${peer}${first.why ? `; ${first.policy}: ${first.why}` : ''})`;
    return make(text, { kind: 'NetworkPolicy', namespace: ns, name, detail: direction });
  }
  if (owner.by === 'kube-proxy') {
    const comment = delta.rule.comment ?? '';
    const svc = owner.service;
    if (svc && comment.includes('has no local endpoints')) {
      // kube-proxy writes this DROP in KUBE-EXTERNAL-SERVICES for externalTrafficPolicy, in KUBE-SERVICES for internalTrafficPolicy.
      const why =
        delta.rule.chain === 'KUBE-EXTERNAL-SERVICES'
          ? `its externalTrafficPolicy is Local, so ${where} sends traffic from outside the node only to endpoints on ${where}, and none runs there`
          : `its internalTrafficPolicy is Local, so ${where} sends its ClusterIP traffic only to endpoints on ${where}, and none runs there`;
      const text = `${verb} ${on} by kube-proxy: Service ${svc.namespace}/${svc.name} has no local endpoints${svc.portName ? ` (port ${svc.portName})` : ''}: ${why}`;
      return make(text, { kind: 'Service', namespace: svc.namespace, name: svc.name, detail: 'no local endpoints' }, true);
    }
    if (svc && comment.includes('has no endpoints')) {
      const reason = index.noEndpoints(svc);
      const text = `${verb} ${on} by kube-proxy: Service ${svc.namespace}/${svc.name} has no endpoints${svc.portName ? ` (port ${svc.portName})` : ''}: ${reason.why}`;
      return make(text, reason.blame, true);
    }
    if (comment.includes('will be dropped by KUBE-PROXY-FIREWALL') || delta.rule.chain === 'KUBE-PROXY-FIREWALL') {
      const text = `${verb} ${on} by kube-proxy: not allowed by the loadBalancerSourceRanges of ${svc ? `Service ${svc.namespace}/${svc.name}` : 'a Service'}`;
      return make(
        text,
        svc
          ? { kind: 'Service', namespace: svc.namespace, name: svc.name, detail: 'loadBalancerSourceRanges' }
          : { kind: 'Rule', name: delta.rule.text, detail: where, by: 'kube-proxy' },
        true,
      );
    }
    const why = delta.rule.args.includes('INVALID') ? ' (conntrack state INVALID)' : '';
    const text = `${verb} ${on} by kube-proxy's rule${why}: ${delta.rule.text}`;
    return make(text, { kind: 'Rule', name: delta.rule.text, detail: where, by: 'kube-proxy' }, true);
  }
  const text = `${verb} ${on} by a hand-written rule no Kubernetes object owns: ${delta.rule.text}${delta.rule.table !== 'filter' ? ` (table ${delta.rule.table})` : ''}`;
  return make(text, {
    kind: 'Rule',
    name: `${delta.rule.table === 'filter' ? '' : `-t ${delta.rule.table} `}${delta.rule.text}`,
    detail: where,
    by: 'hand-written',
  });
}
