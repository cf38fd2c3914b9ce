import { describe, expect, it } from 'vitest';
import { evaluateFlow } from '../../../src/k8s/netpol/evaluate.js';
import { netpolRestore } from '../../../src/k8s/netpol/compile.js';
import { networkPolicyProblems } from '../../../src/k8s/netpol/validate.js';
import { input, NAMESPACES, PODS, pod, policy } from './helpers/world.js';

describe('networkPolicyProblems', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a valid policy', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 'serve-80-tcp' }, { port: 80, endPort: 90 }] }] }, []],
    [
      'a bad operator in the spec podSelector',
      { podSelector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } },
      ['spec.podSelector.matchExpressions[0].operator: unsupported operator "Is" (want In, NotIn, Exists or DoesNotExist)'],
    ],
    ['a bad policyType', { podSelector: {}, policyTypes: ['ingress'] }, ['spec.policyTypes[0]: unsupported value "ingress" (want Ingress or Egress)']],
    ['an empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, ['spec.ingress[0].from[0]: must specify a peer']],
    [
      'ipBlock together with a selector',
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
      ['spec.egress[0].to[0]: may not specify both ipBlock and another peer'],
    ],
    [
      'except outside the cidr',
      { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16', '10.0.0.0/8', 'nope'] } }] }] },
      [
        'spec.ingress[0].from[0].ipBlock.except[0]: must be a strict subset of `cidr`',
        'spec.ingress[0].from[0].ipBlock.except[1]: must be a strict subset of `cidr`',
        'spec.ingress[0].from[0].ipBlock.except[2]: "nope" is not a valid CIDR',
      ],
    ],
    [
      'bad ports',
      {
        podSelector: {},
        ingress: [{ ports: [{ port: 0 }, { port: 'HTTP' }, { port: 'http', endPort: 90 }, { port: 90, endPort: 80 }, { protocol: 'ICMP' }] }],
      },
      [
        'spec.ingress[0].ports[0].port: must be between 1 and 65535, inclusive',
        'spec.ingress[0].ports[1].port: "HTTP" is not a valid port name (IANA_SVC_NAME)',
        'spec.ingress[0].ports[2].endPort: may not be specified when `port` is not a number',
        'spec.ingress[0].ports[3].endPort: must be greater than or equal to `port`',
        'spec.ingress[0].ports[4].protocol: unsupported value "ICMP" (want TCP, UDP or SCTP)',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, spec, want) => {
    expect(networkPolicyProblems(policy('x', 'p', spec))).toEqual(want);
  });

  it('makes the compiler and the evaluator refuse invalid selectors, naming the policy', () => {
    const bad = policy('x', 'bad', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } }] }],
    });
    expect(() => netpolRestore(input([bad]))).toThrow(
      'NetworkPolicy x/bad is invalid: spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values: must be non-empty for operator In',
    );
    const flow = { from: { ip: pod('y/a').ip }, to: { ip: pod('x/a').ip }, port: 80, protocol: 'TCP' as const };
    expect(() => evaluateFlow({ pods: PODS, namespaces: NAMESPACES, policies: [bad] }, flow)).toThrow(/x\/bad is invalid/);
  });
});
