// The chains and rules that enforce NetworkPolicy for the pods of one node, as
// data. compile.ts renders it as iptables-restore input and owners.ts maps its
// chains back to objects, so the two can never disagree.
//
// Shape (all in the filter table of the node's network namespace):
//
//   FORWARD -> NETPOL-FORWARD
//     1. ESTABLISHED,RELATED -> ACCEPT           replies of connections we allowed
//     2. -i <veth of P> -> NETPOL-E-<P>          for every egress-isolated pod P here
//     3. -o <veth of Q> -> NETPOL-I-<Q>          for every ingress-isolated pod Q here
//   NETPOL-E-<P> / NETPOL-I-<Q>  (per pod)
//     clear the allow mark; jump to every rule chain of every policy selecting the
//     pod; DROP if no rule set the mark; clear the mark and RETURN
//   NETPOL-ER-<h> / NETPOL-IR-<h>  (per policy rule)
//     one row per (peer, port) that sets the allow mark
//   NETPOL-EB-<h> / NETPOL-IB-<h>  (per ipBlock peer with except)
//     RETURN for each except, then set the allow mark
//
// Why a mark and RETURN rather than ACCEPT: a packet between two pods of the same
// node crosses FORWARD once, so the source's egress AND the destination's ingress
// must both be judged in that one traversal. If an egress chain ACCEPTed, the
// destination's ingress chain would never run. So allowed traffic RETURNs, and a
// rule chain (a subroutine that cannot stop its caller) reports "matched" by
// setting a mark bit its pod chain tests. Both directions RETURN on allow: these
// chains only ever drop; allowed traffic continues through FORWARD exactly like
// traffic to a pod no policy selects (kube-proxy's KUBE-FORWARD, then the policy).
//
// Every rule chain of every selecting policy is visited even after one matched,
// so the counters show every rule that allows a flow, like Verdict.allowedBy.
import type { V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { V1NetworkPolicy } from '../objects.js';
import { ipBlockChain, podChain, ruleChain, TOP_CHAIN } from './chain-names.js';
import { formatIPv4Cidr, parseIPv4CidrStrict, parseIPv4Strict } from '../ipv4.js';
import {
  ipBlockMatches,
  peerSelectsPod,
  podRef,
  policyNamespace,
  policyRef,
  policyRules,
  policySelects,
  portProtocol,
  resolveNamedPort,
  sortedPods,
  sortedPolicies,
} from './policy.js';
import type { ChainOwner, Direction, PolicyInput, PolicyPod } from './types.js';
import { assertSelectorsValid } from './validate.js';

/** The mark bit a rule chain sets to say "a rule allows this packet". kube-proxy uses 0x4000 and 0x8000. */
export const ALLOW_MARK = '0x10000';
const MARK_MASK = `${ALLOW_MARK}/${ALLOW_MARK}`;
const SET_ALLOW = ['-j', 'MARK', '--set-xmark', MARK_MASK];
const CLEAR_ALLOW = ['-j', 'MARK', '--set-xmark', `0x0/${ALLOW_MARK}`];

export interface PlannedRule {
  /** Match arguments, e.g. `-s 10.244.1.2/32 -p tcp -m tcp --dport 80`. */
  match: string[];
  /** Names the policy and rule index, or the pod; how rules map back to objects. */
  comment: string;
  /** `-j ...` arguments. */
  target: string[];
}

export interface PlannedChain {
  name: string;
  /** Absent on NETPOL-FORWARD, which belongs to no direction. */
  owner?: ChainOwner;
  rules: PlannedRule[];
}

export interface NetpolPlan {
  /** In declaration order: NETPOL-FORWARD, then each pod chain followed by the rule chains it first uses. */
  chains: PlannedChain[];
  /** NETPOL- chains in `existingChains` that this plan no longer uses, sorted. */
  stale: string[];
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function planNetpol(input: PolicyInput): NetpolPlan {
  assertSelectorsValid(input.policies);
  const policies = sortedPolicies(input.policies);
  const local = sortedPods(input.pods.filter((p) => p.nodeName === input.nodeName && p.hostVeth !== ''));
  for (const pod of local) {
    if (!INTERFACE_NAME.test(pod.hostVeth)) {
      throw new Error(`pod ${podRef(pod)}: host veth name "${pod.hostVeth}" is not a valid interface name`);
    }
  }
  const top: PlannedChain = {
    name: TOP_CHAIN,
    rules: [
      {
        match: ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED'],
        comment: 'netpol: established and related traffic of allowed connections',
        target: ['-j', 'ACCEPT'],
      },
    ],
  };
  const chains: PlannedChain[] = [top];
  const seen = new Set<string>([TOP_CHAIN]);
  const add = (chain: PlannedChain) => {
    if (seen.has(chain.name)) return;
    seen.add(chain.name);
    chains.push(chain);
  };

  for (const direction of ['egress', 'ingress'] as const) {
    for (const pod of local) {
      const selecting = policies.filter((p) => policySelects(p, pod, direction));
      if (selecting.length === 0) continue;
      const name = podChain(direction, podRef(pod));
      top.rules.push({
        match: [direction === 'egress' ? '-i' : '-o', pod.hostVeth],
        comment: `${podRef(pod)} ${direction}: isolated by ${selecting.map(policyRef).join(', ')}`,
        target: ['-j', name],
      });
      const podChainPlan: PlannedChain = { name, owner: { direction, pod: podRef(pod) }, rules: [] };
      add(podChainPlan);
      for (const policy of selecting) {
        policyRules(policy, direction).forEach((_rule, index) => {
          const chain = ruleChain(direction, policyRef(policy), index);
          podChainPlan.rules.push({
            match: [],
            comment: `${policyRef(policy)} ${direction} rule ${index}`,
            target: ['-j', chain],
          });
          if (!seen.has(chain)) {
            for (const planned of planRuleChains(input, policy, direction, index)) add(planned);
          }
        });
      }
      const drop = `${selecting.map(policyRef).join(', ')} ${direction}: isolated, no rule matched (pod ${podRef(pod)})`;
      if (podChainPlan.rules.length === 0) {
        podChainPlan.rules.push({ match: [], comment: drop, target: ['-j', 'DROP'] });
      } else {
        podChainPlan.rules.unshift({ match: [], comment: `${podRef(pod)} ${direction}: clear allow mark`, target: CLEAR_ALLOW });
        podChainPlan.rules.push(
          { match: ['-m', 'mark', '!', '--mark', MARK_MASK], comment: drop, target: ['-j', 'DROP'] },
          { match: [], comment: `${podRef(pod)} ${direction}: allowed, clear allow mark`, target: CLEAR_ALLOW },
        );
      }
    }
  }

  const stale = [...new Set(input.existingChains)].filter((c) => c.startsWith('NETPOL-') && !seen.has(c)).sort();
  return { chains, stale };
}

interface PeerMatch {
  /** `-s`/`-d` argument, absent for "any peer". */
  address?: string;
  /** Set for an ipBlock with except: rows jump to this chain instead of marking. */
  exceptChain?: PlannedChain;
  /** For narrowing named ports on egress: does this peer include `pod`? */
  includes: (pod: PolicyPod) => boolean;
  describe: string;
}

interface PortMatch {
  /** `-p ... --dport ...` arguments; `destination` narrows the row to one pod IP (named ports). */
  rows: { args: string[]; destination?: PolicyPod; describe: string; describeShort?: string }[];
}

/** The rule chain for one policy rule, plus the ipBlock-except chains it jumps to. */
function planRuleChains(input: PolicyInput, policy: V1NetworkPolicy, direction: Direction, index: number): PlannedChain[] {
  const ref = policyRef(policy);
  const rule = policyRules(policy, direction)[index]!;
  const owner: ChainOwner = { policy: ref, rule: index, direction };
  const chain: PlannedChain = { name: ruleChain(direction, ref, index), owner, rules: [] };
  const extra: PlannedChain[] = [];
  const label = `${ref} ${direction} rule ${index}`;
  const peerFlag = direction === 'ingress' ? '-s' : '-d';
  const word = direction === 'ingress' ? 'from' : 'to';

  const peers: PeerMatch[][] =
    rule.peers.length === 0
      ? [[{ includes: () => true, describe: `${word} any ${direction === 'ingress' ? 'source' : 'destination'}` }]]
      : rule.peers.map((peer, p) => peerMatches(input, policy, peer, direction, index, p, owner, label, word, extra));

  // Named ports resolve against the destination pod. On ingress that is the pod
  // being protected, one of this node's pods the policy selects; the row also
  // matches `-d <its IP>` because the rule chain is shared by all of them.
  // On egress it is whichever pod the packet goes to, so rows name that pod.
  const ingressTargets = sortedPods(input.pods.filter((p) => p.nodeName === input.nodeName && p.hostVeth !== '' && policySelects(policy, p, 'ingress')));
  const egressTargets = sortedPods(input.pods);
  const ports: PortMatch[] =
    rule.ports.length === 0
      ? [{ rows: [{ args: [], describe: 'any port' }] }]
      : rule.ports.map((port) => portMatch(port, direction === 'ingress' ? ingressTargets : egressTargets));

  for (const peerGroup of peers) {
    for (const peer of peerGroup) {
      for (const port of ports) {
        for (const row of port.rows) {
          const match: string[] = [];
          let target = peer.exceptChain ? ['-j', peer.exceptChain.name] : SET_ALLOW;
          if (row.destination && direction === 'egress') {
            // The row names one destination pod, already checked against the peer
            // (ipBlock excepts included), so its address replaces the peer's.
            if (!peer.includes(row.destination)) continue;
            match.push('-d', `${row.destination.ip}/32`);
            target = SET_ALLOW;
          } else {
            if (peer.address) match.push(peerFlag, peer.address);
            if (row.destination) match.push('-d', `${row.destination.ip}/32`);
          }
          match.push(...row.args);
          const portText = row.destination && peer.describe === `${word} pod ${podRef(row.destination)}` ? (row.describeShort ?? row.describe) : row.describe;
          chain.rules.push({ match, comment: `${label}: ${peer.describe}, ${portText}`, target });
        }
      }
    }
  }
  return [chain, ...extra];
}

function peerMatches(
  input: PolicyInput,
  policy: V1NetworkPolicy,
  peer: V1NetworkPolicyPeer,
  direction: Direction,
  rule: number,
  index: number,
  owner: ChainOwner,
  label: string,
  word: string,
  extra: PlannedChain[],
): PeerMatch[] {
  const flag = direction === 'ingress' ? '-s' : '-d';
  if (peer.ipBlock) {
    const block = peer.ipBlock;
    const cidr = parseIPv4CidrStrict(block.cidr);
    if (!cidr) return []; // IPv6 or unparsable: can never match IPv4 traffic.
    const text = formatIPv4Cidr(cidr);
    const includes = (pod: PolicyPod) => ipBlockMatches(block, pod.ip);
    const excepts = (block.except ?? []).flatMap((e) => {
      const c = parseIPv4CidrStrict(e);
      return c ? [formatIPv4Cidr(c)] : [];
    });
    if (excepts.length === 0) return [{ address: text, includes, describe: `${word} ipBlock ${text}` }];
    const chain: PlannedChain = { name: ipBlockChain(direction, policyRef(policy), rule, index), owner, rules: [] };
    for (const e of excepts) {
      chain.rules.push({ match: [flag, e], comment: `${label}: ipBlock ${text} except ${e}`, target: ['-j', 'RETURN'] });
    }
    chain.rules.push({ match: [], comment: `${label}: ${word} ipBlock ${text}`, target: SET_ALLOW });
    extra.push(chain);
    return [{ address: text, exceptChain: chain, includes, describe: `${word} ipBlock ${text} (with except)` }];
  }
  const ns = policyNamespace(policy);
  const seenIPs = new Set<string>();
  const out: PeerMatch[] = [];
  for (const pod of sortedPods(input.pods)) {
    if (!peerSelectsPod(peer, ns, pod, input.namespaces)) continue;
    if (parseIPv4Strict(pod.ip) === undefined || seenIPs.has(pod.ip)) continue;
    seenIPs.add(pod.ip);
    out.push({ address: `${pod.ip}/32`, includes: (p) => p.ip === pod.ip, describe: `${word} pod ${podRef(pod)}` });
  }
  return out;
}

function portMatch(port: V1NetworkPolicyPort, targets: PolicyPod[]): PortMatch {
  const protocol = portProtocol(port);
  const proto = protocol.toLowerCase();
  const p = port.port;
  if (p === undefined || p === null) return { rows: [{ args: ['-p', proto], describe: `${proto} any port` }] };
  if (typeof p === 'number') {
    if (port.endPort !== undefined && port.endPort !== null) {
      if (port.endPort < p) return { rows: [] };
      return { rows: [{ args: ['-p', proto, '-m', proto, '--dport', `${p}:${port.endPort}`], describe: `${proto}/${p}-${port.endPort}` }] };
    }
    return { rows: [{ args: ['-p', proto, '-m', proto, '--dport', String(p)], describe: `${proto}/${p}` }] };
  }
  const rows: PortMatch['rows'] = [];
  const seenIPs = new Set<string>();
  for (const pod of targets) {
    if (parseIPv4Strict(pod.ip) === undefined || seenIPs.has(pod.ip)) continue;
    const numbers = resolveNamedPort(pod, p, protocol);
    if (numbers.length > 0) seenIPs.add(pod.ip);
    for (const n of numbers) {
      rows.push({
        args: ['-p', proto, '-m', proto, '--dport', String(n)],
        destination: pod,
        describe: `${proto}/${p}=${n} on pod ${podRef(pod)}`,
        describeShort: `${proto}/${p}=${n}`,
      });
    }
  }
  return { rows };
}
