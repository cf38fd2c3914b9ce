import { describe, expect, it } from 'vitest';
import type { V1NetworkPolicy } from '../../../src/k8s/objects.js';
import { netpolRestore } from '../../../src/k8s/netpol/compile.js';
import { evaluateFlow, type Flow, type FlowEnd } from '../../../src/k8s/netpol/evaluate.js';
import type { Protocol } from '../../../src/k8s/netpol/types.js';
import { dataPlane } from './helpers/data-plane.js';
import { parseRestore, tokenize } from './helpers/iptables-sim.js';
import { input, NAMESPACES, PODS, pod, policy } from './helpers/world.js';

const denyX = policy('x', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
const shop = [
  denyX,
  policy('x', 'allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 'dns' }] }],
  }),
  policy('x', 'allow-web', {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [
      {
        from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }],
        ports: [{ port: 'serve-80-tcp' }, { port: 81, endPort: 90 }],
      },
    ],
  }),
];

describe('netpolRestore: shape', () => {
  const text = netpolRestore(input(shop, 'node1', ['NETPOL-I-STALESTALESTALE1', 'KUBE-FORWARD', 'NETPOL-FORWARD']));
  const lines = text.split('\n');
  const rules = lines.filter((l) => l.startsWith('-A '));
  const declared = lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]!);

  it('is one *filter table ending in COMMIT', () => {
    expect(lines[0]).toBe('*filter');
    expect(text.endsWith('\nCOMMIT\n')).toBe(true);
    expect(() => parseRestore(text)).not.toThrow();
  });

  it('starts NETPOL-FORWARD with the conntrack accept, then dispatches egress by -i and ingress by -o', () => {
    const top = rules.filter((l) => l.startsWith('-A NETPOL-FORWARD '));
    expect(top[0]).toBe(
      '-A NETPOL-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "netpol: established and related traffic of allowed connections" -j ACCEPT',
    );
    const dispatch = top.slice(1).map((l) => tokenize(l).slice(2, 4).join(' '));
    // x/a, x/b and x/web are on node1; only they are egress-isolated (allow-dns) and ingress-isolated.
    expect(dispatch).toEqual(['-i vx-a', '-i vx-b', '-i vx-web', '-o vx-a', '-o vx-b', '-o vx-web']);
  });

  it('only handles pods of its own node', () => {
    expect(text).not.toContain('vx-c'); // x/c runs on node2
    expect(netpolRestore(input(shop, 'node2'))).toContain('-o vx-c');
  });

  it('puts a comment naming the policy rule or the pod on every rule', () => {
    for (const rule of rules) expect(rule).toMatch(/ -m comment --comment "[^"]+" /);
    expect(text).toContain('-m comment --comment "x/default-deny ingress: isolated, no rule matched (pod x/b)" -j DROP');
    expect(text).toContain('--comment "x/allow-web, x/default-deny ingress: isolated, no rule matched (pod x/a)" -j DROP');
    expect(text).toContain('--comment "x/allow-web ingress rule 0" -j NETPOL-IR-');
    expect(text).toContain('--comment "x/allow-web ingress rule 0: from pod x/b, tcp/81-90" -j MARK --set-xmark 0x10000/0x10000');
  });

  it('drops, never rejects', () => {
    expect(text).not.toContain('REJECT');
    expect(rules.filter((l) => l.endsWith('-j DROP'))).toHaveLength(6);
  });

  it('uses NETPOL- chain names of at most 28 characters, all declared before use', () => {
    for (const name of declared) {
      expect(name.startsWith('NETPOL-')).toBe(true);
      expect(name.length).toBeLessThanOrEqual(28);
    }
    for (const rule of rules) {
      const words = tokenize(rule);
      expect(declared).toContain(words[1]);
      const target = words[words.indexOf('-j') + 1]!;
      if (target.startsWith('NETPOL-')) expect(declared).toContain(target);
    }
  });

  it('resolves named ports per destination pod and narrows ingress rows to the selected pod', () => {
    expect(text).toContain('-A NETPOL-IR-');
    expect(rules.some((l) => l.includes('-s 10.244.1.3/32 -d 10.244.1.2/32 -p tcp -m tcp --dport 80 '))).toBe(true);
    expect(rules.some((l) => l.includes('-d 10.244.2.10/32 -p udp -m udp --dport 53 '))).toBe(true);
  });

  it('compiles ipBlock except into a chain that RETURNs for the excepted range', () => {
    const ib = rules.filter((l) => l.startsWith('-A NETPOL-IB-'));
    expect(
      ib.map((l) =>
        tokenize(l)
          .slice(2)
          .filter((_w, i, a) => a[i - 1] !== '--comment')
          .join(' '),
      ),
    ).toEqual(['-s 192.168.1.0/24 -m comment --comment -j RETURN', '-m comment --comment -j MARK --set-xmark 0x10000/0x10000']);
  });

  it('flushes and deletes stale NETPOL- chains only', () => {
    expect(declared).toContain('NETPOL-I-STALESTALESTALE1');
    expect(lines).toContain('-X NETPOL-I-STALESTALESTALE1');
    expect(text).not.toContain('KUBE-FORWARD');
    expect(lines.filter((l) => l.startsWith('-X '))).toEqual(['-X NETPOL-I-STALESTALESTALE1']);
    // -X lines come after every rule, right before COMMIT.
    expect(lines.indexOf('-X NETPOL-I-STALESTALESTALE1')).toBeGreaterThan(lines.indexOf(rules.at(-1)!));
  });

  it('keeps NETPOL-FORWARD even with no policies, so the FORWARD jump always has a target', () => {
    expect(netpolRestore(input([], 'node1', ['NETPOL-E-OLD']))).toBe(
      [
        '*filter',
        ':NETPOL-FORWARD - [0:0]',
        ':NETPOL-E-OLD - [0:0]',
        '-A NETPOL-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "netpol: established and related traffic of allowed connections" -j ACCEPT',
        '-X NETPOL-E-OLD',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('compiles a default-deny pod chain to a single DROP', () => {
    const t = netpolRestore({ ...input([denyX], 'node1'), pods: [pod('x/a')] });
    expect(t).toBe(
      [
        '*filter',
        ':NETPOL-FORWARD - [0:0]',
        ':NETPOL-I-KNLBO24SYOI6HFQJ - [0:0]',
        '-A NETPOL-FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment "netpol: established and related traffic of allowed connections" -j ACCEPT',
        '-A NETPOL-FORWARD -o vx-a -m comment --comment "x/a ingress: isolated by x/default-deny" -j NETPOL-I-KNLBO24SYOI6HFQJ',
        '-A NETPOL-I-KNLBO24SYOI6HFQJ -m comment --comment "x/default-deny ingress: isolated, no rule matched (pod x/a)" -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('skips IPv6 ipBlocks and excepts, which IPv4 iptables would reject', () => {
    const t = netpolRestore(
      input([
        policy('x', 'v6', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['fd00::/8'] } }] }] }),
      ]),
    );
    expect(t).not.toContain('::');
    expect(t).toContain('-s 10.0.0.0/8 -m comment');
  });

  it('keeps comments within the 255 bytes iptables stores', () => {
    const long = 'p'.repeat(250);
    const t = netpolRestore(input([policy('x', long, { podSelector: {} })]));
    for (const l of t.split('\n').filter((x) => x.startsWith('-A '))) {
      const c = tokenize(l)[tokenize(l).indexOf('--comment') + 1]!;
      expect(Buffer.byteLength(c)).toBeLessThanOrEqual(255);
    }
  });

  it('rejects an interface name iptables would not accept', () => {
    expect(() => netpolRestore({ ...input([denyX]), pods: [{ ...pod('x/a'), hostVeth: 'veth with space' }] })).toThrow(/x\/a: host veth name/);
  });
});

describe('netpolRestore: determinism', () => {
  it('gives the same text for the same input', () => {
    expect(netpolRestore(input(shop))).toBe(netpolRestore(input(shop)));
  });

  it('does not depend on the order of pods, policies, namespaces or existing chains', () => {
    const a = netpolRestore({ ...input(shop, 'node1', ['NETPOL-A', 'NETPOL-B']) });
    const b = netpolRestore({
      nodeName: 'node1',
      pods: [...PODS].reverse(),
      namespaces: [...NAMESPACES].reverse(),
      policies: [...shop].reverse(),
      existingChains: ['NETPOL-B', 'NETPOL-A', 'NETPOL-B'],
    });
    expect(b).toBe(a);
  });

  it('names chains by a hash of namespace/name, independent of everything else', () => {
    const chainOf = (t: string, veth: string) => tokenize(t.split('\n').find((l) => l.includes(`-o ${veth} `))!).at(-1);
    const before = chainOf(netpolRestore(input([denyX])), 'vx-a');
    const after = chainOf(netpolRestore(input([denyX, ...shop.slice(1)])), 'vx-a');
    expect(before).toBe(after);
  });
});

// The compiled rules must give the evaluator's answer for every flow. Each case is
// run through the rules of every node it crosses with a small iptables simulator.
const ends: FlowEnd[] = [...PODS.map((p) => ({ ip: p.ip, pod: p })), { ip: '198.51.100.7' }, { ip: '192.168.1.9' }];
const allFlows: Flow[] = [];
for (const from of ends) {
  for (const to of ends) {
    if (from === to || (!from.pod && !to.pod)) continue;
    for (const [port, protocol] of [
      [80, 'TCP'],
      [81, 'TCP'],
      [80, 'UDP'],
      [53, 'UDP'],
      [85, 'TCP'],
      [80, 'SCTP'],
      [8080, 'TCP'],
      [5353, 'UDP'],
    ] as [number, Protocol][]) {
      allFlows.push({ from, to, port, protocol });
    }
  }
}

function expectSameAsEvaluator(policies: V1NetworkPolicy[]) {
  const run = dataPlane(policies);
  const world = { pods: PODS, namespaces: NAMESPACES, policies };
  const key = (l: { policy: string; rule: number }[]) => l.map((a) => `${a.policy}#${a.rule}`).sort();
  for (const flow of allFlows) {
    const want = evaluateFlow(world, flow);
    const got = run(flow);
    const name = `${flow.from.pod ? `${flow.from.pod.namespace}/${flow.from.pod.name}` : flow.from.ip} -> ${flow.to.pod ? `${flow.to.pod.namespace}/${flow.to.pod.name}` : flow.to.ip} ${flow.protocol}/${flow.port}`;
    expect(got.allowed, name).toBe(want.allowed);
    // The rule chains whose rows matched are exactly the evaluator's allowedBy.
    if (want.egress.isolated) expect((got.marked.egress ?? []).sort(), `${name} egress`).toEqual(key(want.egress.allowedBy));
    else expect(got.marked.egress, `${name} egress chain`).toBeUndefined();
    if (want.egress.allowed) {
      if (want.ingress.isolated) expect((got.marked.ingress ?? []).sort(), `${name} ingress`).toEqual(key(want.ingress.allowedBy));
      else expect(got.marked.ingress, `${name} ingress chain`).toBeUndefined();
    }
    // Replies and later packets of a connection always pass the NETPOL chains.
    expect(run(flow, 'ESTABLISHED').allowed).toBe(true);
  }
}

describe('netpolRestore enforces exactly the evaluator semantics', () => {
  const fixed: [string, V1NetworkPolicy[]][] = [
    ['no policies', []],
    ['default deny ingress', [denyX]],
    ['the shop example', shop],
    ['deny all both ways in every namespace', ['x', 'y', 'z'].map((ns) => policy(ns, 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }))],
    [
      'same-node egress allow, ingress deny',
      [
        policy('x', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }),
        policy('y', 'deny', { podSelector: {} }),
      ],
    ],
    [
      'AND and OR peers together with named and ranged ports',
      [
        policy('y', 'and', {
          podSelector: { matchLabels: { pod: 'a' } },
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 'serve-81-tcp' }] },
          ],
        }),
        policy('y', 'or', {
          podSelector: { matchLabels: { pod: 'a' } },
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }, { podSelector: { matchLabels: { pod: 'c' } } }], ports: [{ port: 80, endPort: 81 }] },
          ],
        }),
      ],
    ],
    [
      'egress named ports with ipBlock peers',
      [
        policy('z', 'named-egress', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }],
              ports: [
                { port: 'serve-80-udp', protocol: 'UDP' },
                { port: 'dns', protocol: 'UDP' },
              ],
            },
            { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }] },
          ],
        }),
      ],
    ],
  ];
  it.each(fixed)('%s', (_name, policies) => expectSameAsEvaluator(policies));

  it('for 120 random policy sets', () => {
    const rand = mulberry32(20240611);
    for (let i = 0; i < 120; i++) expectSameAsEvaluator(randomPolicies(rand, i));
  });
});

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPolicies(rand: () => number, seed: number): V1NetworkPolicy[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const maybe = <T>(f: () => T): T | undefined => (rand() < 0.5 ? f() : undefined);
  const selector = () =>
    pick([
      {},
      { matchLabels: { pod: pick(['a', 'b', 'c']) } },
      { matchExpressions: [{ key: 'pod', operator: pick(['In', 'NotIn']), values: [pick(['a', 'b', 'c'])] }] },
      { matchLabels: { 'k8s-app': 'kube-dns' } },
    ]);
  const nsSelector = () =>
    pick([
      {},
      { matchLabels: { ns: pick(['x', 'y', 'z']) } },
      { matchLabels: { 'kubernetes.io/metadata.name': pick(['kube-system', 'x']) } },
      { matchExpressions: [{ key: 'ns', operator: 'Exists' }] },
    ]);
  const peer = () =>
    pick([
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: nsSelector() }),
      () => ({ namespaceSelector: nsSelector(), podSelector: selector() }),
      () => ({
        ipBlock: pick([
          { cidr: '10.244.1.0/24' },
          { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] },
          { cidr: '0.0.0.0/0', except: ['10.244.1.2/32', '192.168.0.0/16'] },
          { cidr: '198.51.100.0/24' },
          { cidr: '10.244.2.10/32' },
        ]),
      }),
    ])();
  const port = () =>
    pick([
      { port: 80 },
      { port: 81, protocol: 'UDP' },
      { port: 'serve-80-tcp' },
      { port: 'serve-81-udp', protocol: 'UDP' },
      { port: 'dns', protocol: 'UDP' },
      { protocol: 'UDP' },
      { port: 80, endPort: 81 },
      { port: 53, protocol: 'UDP' },
      { port: 80, protocol: 'SCTP' },
    ]);
  const list = <T>(f: () => T, max: number): T[] => Array.from({ length: Math.floor(rand() * (max + 1)) }, f);
  const rule = (dir: 'from' | 'to') => {
    const r: Record<string, unknown> = {};
    const peers = maybe(() => list(peer, 2));
    if (peers) r[dir] = peers;
    const ports = maybe(() => list(port, 2));
    if (ports) r.ports = ports;
    return r;
  };
  const count = 1 + Math.floor(rand() * 4);
  return Array.from({ length: count }, (_, i) => {
    const spec: Record<string, unknown> = { podSelector: selector() };
    const types = pick([undefined, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    if (types) spec.policyTypes = types;
    const ingress = maybe(() => list(() => rule('from'), 2));
    if (ingress) spec.ingress = ingress;
    const egress = maybe(() => list(() => rule('to'), 2));
    if (egress) spec.egress = egress;
    return policy(pick(['x', 'y', 'z', 'kube-system']), `random-${seed}-${i}`, spec);
  });
}
