// kube-apiserver's validation of a NetworkPolicy (pkg/apis/networking/validation):
// ports, peers, ipBlocks and policyTypes, with its field paths and messages.
import { parseIPv4CidrStrict, cidrContains } from '../ipv4.js';
import { type FieldError, forbidden, invalid, notSupported, required } from './field-error.js';
import { portName, portNumber } from './identifiers.js';
import { validateLabelSelector } from './meta.js';

type Json = Record<string, unknown>;
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export function validateNetworkPolicySpec(spec: Json | undefined): FieldError[] {
  const out = validateLabelSelector(spec?.podSelector, 'spec.podSelector');
  for (const direction of ['ingress', 'egress'] as const) {
    asList(spec?.[direction]).forEach((rule, r) => {
      const at = `spec.${direction}[${r}]`;
      asList(rule?.ports).forEach((port, p) => out.push(...validatePort(port, `${at}.ports[${p}]`)));
      const peers = direction === 'ingress' ? 'from' : 'to';
      asList(rule?.[peers]).forEach((peer, p) => out.push(...validatePeer(peer, `${at}.${peers}[${p}]`)));
    });
  }
  const types = Array.isArray(spec?.policyTypes) ? (spec.policyTypes as unknown[]) : [];
  if (types.length > 2) return [...out, invalid('spec.policyTypes', types, 'may not specify more than two policyTypes')];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') out.push(notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return out;
}

function validatePort(port: Json, at: string): FieldError[] {
  const out: FieldError[] = [];
  const protocol = port?.protocol;
  if (protocol !== undefined && protocol !== null && !['TCP', 'UDP', 'SCTP'].includes(protocol as string)) {
    out.push(notSupported(`${at}.protocol`, protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const p = port?.port;
  const endPort = port?.endPort;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (p === undefined || p === null) {
    if (hasEnd) out.push(invalid(`${at}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof p === 'number') {
    for (const msg of portNumber(p)) out.push(invalid(`${at}.port`, p, msg));
    if (hasEnd) {
      if ((endPort as number) < p) out.push(invalid(`${at}.endPort`, p, 'must be greater than or equal to `port`'));
      for (const msg of portNumber(endPort as number)) out.push(invalid(`${at}.endPort`, endPort, msg));
    }
  } else {
    if (hasEnd) out.push(invalid(`${at}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of portName(String(p))) out.push(invalid(`${at}.port`, p, msg));
  }
  return out;
}

function validatePeer(peer: Json, at: string): FieldError[] {
  const out: FieldError[] = [];
  let peers = 0;
  const present = (v: unknown) => v !== undefined && v !== null;
  if (present(peer?.podSelector)) {
    peers++;
    out.push(...validateLabelSelector(peer.podSelector, `${at}.podSelector`));
  }
  if (present(peer?.namespaceSelector)) {
    peers++;
    out.push(...validateLabelSelector(peer.namespaceSelector, `${at}.namespaceSelector`));
  }
  if (present(peer?.ipBlock)) {
    peers++;
    out.push(...validateIPBlock(peer.ipBlock as Json, `${at}.ipBlock`));
  }
  if (peers === 0) out.push(required(at, 'must specify a peer'));
  else if (peers > 1 && present(peer?.ipBlock)) out.push(forbidden(at, 'may not specify both ipBlock and another peer'));
  return out;
}

const CIDR_MESSAGE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** IPv6 CIDRs are accepted as written (the lab is IPv4-only; the policy then matches nothing). */
function cidrProblem(cidr: string): boolean {
  if (cidr.includes(':')) return !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr) || Number(cidr.split('/')[1]) > 128;
  return parseIPv4CidrStrict(cidr) === undefined;
}

function validateIPBlock(block: Json, at: string): FieldError[] {
  const cidr = block?.cidr;
  if (typeof cidr !== 'string' || cidr === '') return [required(`${at}.cidr`)];
  const out: FieldError[] = [];
  if (cidrProblem(cidr)) return [invalid(`${at}.cidr`, cidr, CIDR_MESSAGE)];
  const outer = parseIPv4CidrStrict(cidr);
  asList(block.except).forEach((value, i) => {
    const except = value as unknown as string;
    const where = `${at}.except[${i}]`;
    if (typeof except !== 'string' || cidrProblem(except)) {
      out.push(invalid(where, except, CIDR_MESSAGE));
      return;
    }
    const inner = parseIPv4CidrStrict(except);
    if (outer && inner && (inner.prefix <= outer.prefix || !cidrContains(outer, inner.base))) {
      out.push(invalid(where, except, 'must be a strict subset of `cidr`'));
    }
  });
  return out;
}
