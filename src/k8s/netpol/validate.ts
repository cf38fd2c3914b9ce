// The API server's validation of a NetworkPolicy, for the lab's admission step:
// refusing what kubectl would refuse teaches more than enforcing a guess.
// The compiler and the evaluator also have a defined answer for the shapes
// listed here (an empty peer matches nothing, an unparsable CIDR matches
// nothing, ...), except for invalid label selectors, which they refuse.
import type { V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { V1NetworkPolicy } from '../objects.js';
import { cidrContains, parseIPv4CidrStrict } from '../ipv4.js';
import { policyRef, policyRules } from './policy.js';
import { labelSelectorProblems } from './selector.js';

const SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

/** Problems as `<field path>: <message>`; empty when the policy is valid. */
export function networkPolicyProblems(policy: V1NetworkPolicy): string[] {
  const problems = selectorProblems(policy);
  const spec = policy.spec;
  (spec?.policyTypes ?? []).forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') problems.push(`spec.policyTypes[${i}]: unsupported value "${t}" (want Ingress or Egress)`);
  });
  for (const direction of ['ingress', 'egress'] as const) {
    policyRules(policy, direction).forEach((rule, r) => {
      const base = `spec.${direction}[${r}]`;
      rule.peers.forEach((peer, p) => problems.push(...peerProblems(peer, `${base}.${direction === 'ingress' ? 'from' : 'to'}[${p}]`)));
      rule.ports.forEach((port, p) => problems.push(...portProblems(port, `${base}.ports[${p}]`)));
    });
  }
  return problems;
}

/** Only the label selector problems, which make evaluation impossible. */
export function selectorProblems(policy: V1NetworkPolicy): string[] {
  const problems = labelSelectorProblems(policy.spec?.podSelector, 'spec.podSelector');
  for (const direction of ['ingress', 'egress'] as const) {
    policyRules(policy, direction).forEach((rule, r) => {
      rule.peers.forEach((peer, p) => {
        const at = `spec.${direction}[${r}].${direction === 'ingress' ? 'from' : 'to'}[${p}]`;
        problems.push(...labelSelectorProblems(peer.podSelector, `${at}.podSelector`));
        problems.push(...labelSelectorProblems(peer.namespaceSelector, `${at}.namespaceSelector`));
      });
    });
  }
  return problems;
}

/** Throws one error naming the policy and every invalid selector in it. */
export function assertSelectorsValid(policies: V1NetworkPolicy[]): void {
  for (const policy of policies) {
    const problems = selectorProblems(policy);
    if (problems.length > 0) throw new Error(`NetworkPolicy ${policyRef(policy)} is invalid: ${problems.join('; ')}`);
  }
}

function peerProblems(peer: V1NetworkPolicyPeer, at: string): string[] {
  const kinds = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined && x !== null).length;
  if (kinds === 0) return [`${at}: must specify a peer`];
  if (peer.ipBlock && kinds > 1) return [`${at}: may not specify both ipBlock and another peer`];
  if (!peer.ipBlock) return [];
  const out: string[] = [];
  const cidr = parseIPv4CidrStrict(peer.ipBlock.cidr);
  const v6 = peer.ipBlock.cidr.includes(':');
  if (!cidr && !v6) out.push(`${at}.ipBlock.cidr: "${peer.ipBlock.cidr}" is not a valid CIDR`);
  (peer.ipBlock.except ?? []).forEach((e, i) => {
    const ex = parseIPv4CidrStrict(e);
    if (!ex && !e.includes(':')) out.push(`${at}.ipBlock.except[${i}]: "${e}" is not a valid CIDR`);
    else if (cidr && ex && (ex.prefix <= cidr.prefix || !cidrContains(cidr, ex.base))) {
      out.push(`${at}.ipBlock.except[${i}]: must be a strict subset of \`cidr\``);
    }
  });
  return out;
}

function portProblems(port: V1NetworkPolicyPort, at: string): string[] {
  const out: string[] = [];
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
    out.push(`${at}.protocol: unsupported value "${port.protocol}" (want TCP, UDP or SCTP)`);
  }
  const p = port.port;
  if (typeof p === 'number' && (!Number.isInteger(p) || p < 1 || p > 65535)) out.push(`${at}.port: must be between 1 and 65535, inclusive`);
  if (typeof p === 'string' && !SVC_NAME.test(p)) out.push(`${at}.port: "${p}" is not a valid port name (IANA_SVC_NAME)`);
  if (port.endPort !== undefined && port.endPort !== null) {
    if (typeof p !== 'number') out.push(`${at}.endPort: may not be specified when \`port\` is not a number`);
    else if (port.endPort < p) out.push(`${at}.endPort: must be greater than or equal to \`port\``);
    else if (port.endPort > 65535) out.push(`${at}.endPort: must be between 1 and 65535, inclusive`);
  }
  return out;
}
