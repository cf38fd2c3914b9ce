import { describe, expect, it } from 'vitest';
import type { V1NetworkPolicy } from '../../../src/k8s/objects.js';
import { evaluateFlow, type FlowEnd, type FlowVerdict } from '../../../src/k8s/netpol/evaluate.js';
import type { Protocol } from '../../../src/k8s/netpol/types.js';
import { NAMESPACES, PODS, pod, policy } from './helpers/world.js';

const world = (policies: V1NetworkPolicy[]) => ({ pods: PODS, namespaces: NAMESPACES, policies });
const at = (ref: string): FlowEnd => (ref.includes('/') ? { ip: pod(ref).ip, pod: pod(ref) } : { ip: ref });

// Policies used by several cases.
const denyIngressX = policy('x', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgressX = policy('x', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const allowDnsX = policy('x', 'allow-dns', {
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }],
    },
  ],
});
const onA = (name: string, ingress: unknown[]) => policy('x', name, { podSelector: { matchLabels: { pod: 'a' } }, ingress });

interface Case {
  name: string;
  policies: V1NetworkPolicy[];
  from: string;
  to: string;
  port?: number;
  protocol?: Protocol;
  allowed: boolean;
  check?: (v: FlowVerdict) => void;
}

const cases: Case[] = [
  {
    name: 'no policy: everything is allowed and nothing is isolated',
    policies: [],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
    check: (v) => expect([v.egress.isolated, v.ingress.isolated]).toEqual([false, false]),
  },
  {
    name: 'default-deny ingress blocks traffic into the namespace',
    policies: [denyIngressX],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
    check: (v) => expect(v.ingress).toEqual({ isolated: true, selectedBy: ['x/default-deny'], allowedBy: [], allowed: false }),
  },
  { name: 'default-deny ingress blocks traffic inside the namespace too', policies: [denyIngressX], from: 'x/b', to: 'x/a', allowed: false },
  { name: 'default-deny ingress leaves egress open', policies: [denyIngressX], from: 'x/a', to: 'y/a', allowed: true },
  {
    name: 'policyTypes defaults to Ingress when unset',
    policies: [policy('x', 'deny', { podSelector: {} })],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'default-deny egress blocks DNS to kube-dns on UDP 53',
    policies: [denyEgressX],
    from: 'x/a',
    to: 'kube-system/coredns',
    port: 53,
    protocol: 'UDP',
    allowed: false,
    check: (v) => {
      expect(v.egress.isolated).toBe(true);
      expect(v.ingress.isolated).toBe(false);
    },
  },
  {
    name: 'default-deny egress plus an allow-dns policy lets DNS through',
    policies: [denyEgressX, allowDnsX],
    from: 'x/a',
    to: 'kube-system/coredns',
    port: 53,
    protocol: 'UDP',
    allowed: true,
    check: (v) => expect(v.egress.allowedBy).toEqual([{ policy: 'x/allow-dns', rule: 0 }]),
  },
  {
    name: 'allow-dns on UDP does not open DNS over TCP',
    policies: [denyEgressX, allowDnsX],
    from: 'x/a',
    to: 'kube-system/coredns',
    port: 53,
    protocol: 'TCP',
    allowed: false,
  },
  {
    name: 'allow-dns does not open other pods on UDP 53',
    policies: [denyEgressX, allowDnsX],
    from: 'x/a',
    to: 'y/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    name: 'podSelector peer allows the selected pod of the same namespace',
    policies: [onA('allow-b', [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }])],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    name: 'podSelector-only peer does not reach into other namespaces',
    policies: [onA('allow-b', [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }])],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'empty podSelector peer means every pod of the policy namespace only',
    policies: [onA('allow-ns', [{ from: [{ podSelector: {} }] }])],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'namespaceSelector-only peer allows every pod of the selected namespace',
    policies: [onA('allow-y', [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }])],
    from: 'y/c',
    to: 'x/a',
    allowed: true,
  },
  {
    name: 'namespaceSelector-only peer excludes other namespaces, including the policy own',
    policies: [onA('allow-y', [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }])],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'empty namespaceSelector peer means every pod in every namespace',
    policies: [onA('allow-all-pods', [{ from: [{ namespaceSelector: {} }] }])],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    name: 'empty namespaceSelector peer does not match addresses outside the cluster',
    policies: [onA('allow-all-pods', [{ from: [{ namespaceSelector: {} }] }])],
    from: '192.168.7.7',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'namespaceSelector via kubernetes.io/metadata.name',
    policies: [onA('allow-z', [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }] }])],
    from: 'z/b',
    to: 'x/a',
    allowed: true,
  },
  // The one-dash mistake: one peer with both selectors is AND, two peers are OR.
  ...(() => {
    const and = onA('and', [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }]);
    const or = onA('or', [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }]);
    return [
      { name: 'AND peer: matching pod in matching namespace', policies: [and], from: 'y/b', to: 'x/a', allowed: true },
      { name: 'AND peer: other pod in matching namespace', policies: [and], from: 'y/c', to: 'x/a', allowed: false },
      { name: 'AND peer: matching pod in the policy namespace', policies: [and], from: 'x/b', to: 'x/a', allowed: false },
      { name: 'OR peers: any pod of the namespace', policies: [or], from: 'y/c', to: 'x/a', allowed: true },
      { name: 'OR peers: matching pod of the policy namespace', policies: [or], from: 'x/b', to: 'x/a', allowed: true },
      { name: 'OR peers: neither', policies: [or], from: 'z/c', to: 'x/a', allowed: false },
    ];
  })(),
  {
    name: 'matchExpressions in a peer podSelector',
    policies: [onA('expr', [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['b'] }] } }] }])],
    from: 'x/c',
    to: 'x/a',
    allowed: true,
  },
  {
    name: 'named port resolves against the destination pod (ingress, hit)',
    policies: [onA('named', [{ ports: [{ port: 'serve-80-tcp' }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  {
    name: 'named port resolves against the destination pod (ingress, other port)',
    policies: [onA('named', [{ ports: [{ port: 'serve-80-tcp' }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 81,
    allowed: false,
  },
  {
    name: 'named port must match the container port protocol too',
    policies: [onA('named', [{ ports: [{ port: 'serve-80-tcp', protocol: 'UDP' }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    protocol: 'UDP',
    allowed: false,
  },
  {
    name: 'named port on egress resolves against the destination pod (hit)',
    policies: [policy('x', 'egress-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })],
    from: 'x/a',
    to: 'kube-system/coredns',
    port: 53,
    protocol: 'UDP',
    allowed: true,
  },
  {
    name: 'named port on egress: a destination without that port name is not allowed',
    policies: [policy('x', 'egress-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })],
    from: 'x/a',
    to: 'y/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    name: 'named port on egress never matches a non-pod destination',
    policies: [policy('x', 'egress-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] })],
    from: 'x/a',
    to: '8.8.8.8',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    name: 'endPort range includes its end',
    policies: [onA('range', [{ ports: [{ port: 80, endPort: 81 }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 81,
    allowed: true,
  },
  {
    name: 'endPort range excludes the next port',
    policies: [onA('range', [{ ports: [{ port: 80, endPort: 81 }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 82,
    allowed: false,
  },
  { name: 'numeric port without endPort is exact', policies: [onA('p80', [{ ports: [{ port: 80 }] }])], from: 'y/a', to: 'x/a', port: 81, allowed: false },
  { name: 'protocol defaults to TCP', policies: [onA('p80', [{ ports: [{ port: 80 }] }])], from: 'y/a', to: 'x/a', port: 80, protocol: 'UDP', allowed: false },
  {
    name: 'protocol-only port entry allows every port of that protocol',
    policies: [onA('udp', [{ ports: [{ protocol: 'UDP' }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 4242,
    protocol: 'UDP',
    allowed: true,
  },
  {
    name: 'protocol-only port entry does not allow other protocols',
    policies: [onA('udp', [{ ports: [{ protocol: 'UDP' }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    protocol: 'TCP',
    allowed: false,
  },
  {
    name: 'SCTP ports',
    policies: [onA('sctp', [{ ports: [{ protocol: 'SCTP', port: 80 }] }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    protocol: 'SCTP',
    allowed: true,
  },
  {
    name: 'rule with ports but no from allows any source on those ports',
    policies: [onA('p80', [{ ports: [{ port: 80 }] }])],
    from: '203.0.113.9',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  { name: 'empty rule {} allows everything', policies: [onA('all', [{}])], from: '203.0.113.9', to: 'x/a', port: 9999, protocol: 'UDP', allowed: true },
  {
    name: 'ingress: [] with policyTypes Ingress denies everything',
    policies: [policy('x', 'none', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  ...(() => {
    const block = onA('block', [{ from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24', '192.168.3.0/24'] } }] }]);
    return [
      { name: 'ipBlock allows an address inside the CIDR', policies: [block], from: '192.168.2.7', to: 'x/a', allowed: true },
      { name: 'ipBlock except removes a range', policies: [block], from: '192.168.1.7', to: 'x/a', allowed: false },
      { name: 'ipBlock second except', policies: [block], from: '192.168.3.200', to: 'x/a', allowed: false },
      { name: 'ipBlock outside the CIDR', policies: [block], from: '10.1.2.3', to: 'x/a', allowed: false },
    ];
  })(),
  {
    name: 'ipBlock also matches pod IPs (our documented choice)',
    policies: [onA('pods-by-ip', [{ from: [{ ipBlock: { cidr: '10.244.1.0/24' } }] }])],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    name: 'egress ipBlock 0.0.0.0/0 except the pod network allows the internet',
    policies: [
      policy('x', 'internet', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }] }] }),
    ],
    from: 'x/a',
    to: '8.8.8.8',
    port: 443,
    allowed: true,
  },
  {
    name: 'egress ipBlock 0.0.0.0/0 except the pod network blocks pods',
    policies: [
      policy('x', 'internet', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }] }] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    name: 'IPv6 ipBlock never matches IPv4 traffic',
    policies: [onA('v6', [{ from: [{ ipBlock: { cidr: '::/0' } }] }])],
    from: '192.168.2.7',
    to: 'x/a',
    allowed: false,
  },
  {
    name: 'empty podSelector in spec selects every pod of its namespace',
    policies: [denyIngressX],
    from: 'y/a',
    to: 'x/c',
    allowed: false,
    check: (v) => expect(v.ingress.selectedBy).toEqual(['x/default-deny']),
  },
  { name: 'a policy only selects pods of its own namespace', policies: [denyIngressX], from: 'x/a', to: 'y/a', allowed: true },
  {
    name: 'spec podSelector with labels selects only matching pods',
    policies: [onA('only-a', [])],
    from: 'y/a',
    to: 'x/b',
    allowed: true,
    check: (v) => expect(v.ingress.isolated).toBe(false),
  },
  {
    name: 'policyTypes [Egress] only leaves ingress open',
    policies: [denyEgressX],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
    check: (v) => expect(v.ingress.isolated).toBe(false),
  },
  {
    name: 'egress: [] without policyTypes does not isolate egress',
    policies: [policy('x', 'empty-egress', { podSelector: {}, egress: [] })],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
    check: (v) => expect(v.egress.isolated).toBe(false),
  },
  {
    name: 'an egress rule without policyTypes isolates both directions',
    policies: [policy('x', 'both', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] })],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
    check: (v) => expect([v.egress.isolated, v.egress.selectedBy]).toEqual([true, ['x/both']]),
  },
  {
    name: 'union of two policies: the second one allows',
    policies: [
      onA('allow-b', [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }]),
      onA('allow-c', [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }]),
    ],
    from: 'x/c',
    to: 'x/a',
    allowed: true,
    check: (v) => {
      expect(v.ingress.selectedBy).toEqual(['x/allow-b', 'x/allow-c']);
      expect(v.ingress.allowedBy).toEqual([{ policy: 'x/allow-c', rule: 0 }]);
    },
  },
  {
    name: 'union of rules in one policy, every matching rule reported',
    policies: [onA('rules', [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }, { ports: [{ port: 81 }] }, { ports: [{ port: 80 }] }])],
    from: 'x/c',
    to: 'x/a',
    allowed: true,
    check: (v) =>
      expect(v.ingress.allowedBy).toEqual([
        { policy: 'x/rules', rule: 0 },
        { policy: 'x/rules', rule: 2 },
      ]),
  },
  {
    name: 'egress allowed but ingress denied: blocked',
    policies: [policy('x', 'out-ok', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }), policy('y', 'deny', { podSelector: {} })],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
    check: (v) => expect([v.egress.allowed, v.ingress.allowed]).toEqual([true, false]),
  },
  {
    name: 'ingress allowed but egress denied: blocked',
    policies: [denyEgressX, policy('y', 'in-ok', { podSelector: {}, ingress: [{}] })],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
    check: (v) => expect([v.egress.allowed, v.ingress.allowed]).toEqual([false, true]),
  },
  {
    name: 'traffic from outside the cluster only has the ingress side',
    policies: [denyEgressX],
    from: '198.51.100.1',
    to: 'x/a',
    allowed: true,
    check: (v) => expect(v.egress).toEqual({ isolated: false, selectedBy: [], allowedBy: [], allowed: true }),
  },
  {
    name: 'traffic to outside the cluster only has the egress side',
    policies: [denyIngressX],
    from: 'x/a',
    to: '198.51.100.1',
    allowed: true,
  },
  {
    name: 'a bare IP that belongs to a pod is treated as that pod',
    policies: [onA('allow-b', [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }])],
    from: '10.244.1.3',
    to: '10.244.1.2',
    allowed: true,
  },
];

describe('evaluateFlow', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = evaluateFlow(world(c.policies), { from: at(c.from), to: at(c.to), port: c.port ?? 80, protocol: c.protocol ?? 'TCP' });
    expect(v.allowed).toBe(c.allowed);
    expect(v.allowed).toBe(v.egress.allowed && v.ingress.allowed);
    c.check?.(v);
  });

  it("reads client-node's `_from` spelling as well as the manifest's `from`", () => {
    const p = policy('x', 'class-shape', { podSelector: {}, ingress: [{ _from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] });
    const flow = (from: string) => ({ from: at(from), to: at('x/a'), port: 80, protocol: 'TCP' as const });
    expect(evaluateFlow(world([p]), flow('x/b')).allowed).toBe(true);
    expect(evaluateFlow(world([p]), flow('x/c')).allowed).toBe(false);
  });

  it('exempts traffic between a pod and its own node, not other nodes', () => {
    const flow = (node: string, ip: string) => ({ from: { ip, node }, to: at('x/a'), port: 10250, protocol: 'TCP' as const });
    const own = evaluateFlow(world([denyIngressX]), flow('node1', '172.18.0.2'));
    expect(own.allowed).toBe(true);
    expect(own.ingress).toMatchObject({ isolated: true, allowed: true, exempt: expect.stringContaining('own node') });
    expect(evaluateFlow(world([denyIngressX]), flow('node2', '172.18.0.3')).allowed).toBe(false);
  });

  it('does not depend on the order of policies', () => {
    const a = onA('allow-b', [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }]);
    const b = onA('allow-all', [{}]);
    const f = { from: at('x/b'), to: at('x/a'), port: 80, protocol: 'TCP' as const };
    expect(evaluateFlow(world([a, b]), f)).toEqual(evaluateFlow(world([b, a]), f));
  });
});
