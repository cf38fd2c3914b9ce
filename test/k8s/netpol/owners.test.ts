import { describe, expect, it } from 'vitest';
import { netpolRestore } from '../../../src/k8s/netpol/compile.js';
import { netpolOwners } from '../../../src/k8s/netpol/owners.js';
import { tokenize } from './helpers/iptables-sim.js';
import { input, policy } from './helpers/world.js';

const policies = [
  policy('x', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  policy('x', 'allow-b', {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }, { from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }] }],
  }),
];

describe('netpolOwners', () => {
  const owners = netpolOwners(input(policies, 'node1'));
  const text = netpolRestore(input(policies, 'node1'));

  it('covers every chain the restore declares except NETPOL-FORWARD', () => {
    const declared = text
      .split('\n')
      .filter((l) => l.startsWith(':'))
      .map((l) => l.slice(1).split(' ')[0]!);
    expect([...owners.keys()].sort()).toEqual(declared.filter((c) => c !== 'NETPOL-FORWARD').sort());
  });

  it('maps per-pod chains to the pod and direction', () => {
    const chainFor = (flag: string, veth: string) => tokenize(text.split('\n').find((l) => l.startsWith(`-A NETPOL-FORWARD ${flag} ${veth} `))!).at(-1)!;
    expect(owners.get(chainFor('-o', 'vx-a'))).toEqual({ direction: 'ingress', pod: 'x/a' });
    expect(owners.get(chainFor('-i', 'vx-b'))).toEqual({ direction: 'egress', pod: 'x/b' });
  });

  it('maps per-rule chains (and their ipBlock-except chains) to the policy rule', () => {
    const rules = [...owners.entries()].filter(([, o]) => o.policy);
    expect(rules.map(([name, o]) => [name.slice(0, 10), o])).toEqual([
      ['NETPOL-IR-', { policy: 'x/allow-b', rule: 0, direction: 'ingress' }],
      ['NETPOL-IR-', { policy: 'x/allow-b', rule: 1, direction: 'ingress' }],
      ['NETPOL-IB-', { policy: 'x/allow-b', rule: 1, direction: 'ingress' }],
    ]);
  });

  it('agrees with the comments on the rules', () => {
    for (const line of text.split('\n').filter((l) => l.startsWith('-A NETPOL-IR-'))) {
      const words = tokenize(line);
      const o = owners.get(words[1]!)!;
      expect(words[words.indexOf('--comment') + 1]).toMatch(new RegExp(`^${o.policy} ${o.direction} rule ${o.rule}: `));
    }
  });
});
