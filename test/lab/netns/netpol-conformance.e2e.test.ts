// The upstream NetworkPolicy e2e suite (kubernetes test/e2e/network/netpol/
// network_policy.go), replayed on one embedded netns lab with real packets.
//
// One lab, one model (namespaces x, y, z; pods a, b, c; ports 80 and 81 over
// TCP and UDP: test/fixtures/netpol-model.yaml). Each case applies its
// policies, probes every pod to every pod with the matrix (grading/matrix.ts)
// on its port(s) and protocol(s), and compares the result with a truth table
// built the way upstream builds it: start all-allowed, then ExpectPeer /
// ExpectAllIngress / ExpectAllEgress / Expect. Loopback is ignored, as upstream
// does. Upstream now gives each case only the pods it needs; here every case
// sees all nine pods, so some expectations carry the extra lines the full model
// needs (marked "full model").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareTables,
  describeDiffs,
  expectAllEgress,
  expectAllIngress,
  expectCell,
  expectPeer,
  matrixPods,
  newTruthTable,
  renderTruthTable,
  runMatrix,
  type MatrixPod,
  type MatrixProtocol,
  type Peer,
  type TruthTable,
} from '../../../src/grading/matrix.js';
import type { KubeObject, ObjectRef } from '../../../src/k8s/objects.js';
import { NetnsLab } from '../../../src/lab/netns/netns-lab.js';
import { netbreak, ROOT } from '../../helpers/cli.js';
import { guardHost } from '../../helpers/host-guard.js';
import { labGate } from '../../helpers/lab-gate.js';

const labTests = labGate();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-np-conformance-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = `np-conf-${process.pid % 100000}`;
const NAMESPACES = ['x', 'y', 'z'];
const MODEL = path.join(ROOT, 'test/fixtures/netpol-model.yaml');

// ---- policies, as upstream's builders make them --------------------------------

type Json = Record<string, unknown>;
type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** policyTypes follow the rule lists given, as upstream's SetSpecIngressRules / SetSpecEgressRules do. */
function policy(namespace: string, name: string, podSelector: Selector, rules: { ingress?: Json[]; egress?: Json[] }): KubeObject {
  const policyTypes = [...(rules.ingress ? ['Ingress'] : []), ...(rules.egress ? ['Egress'] : [])];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec: { podSelector, policyTypes, ...rules } };
}

const all: Selector = {};
const pod = (name: string): Selector => ({ matchLabels: { pod: name } });
const nsName = (name: string): Selector => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const expr = (key: string, operator: string, values?: string[]): Selector => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
const tcp = (port: number | string, endPort?: number) => ({ protocol: 'TCP', port, ...(endPort ? { endPort } : {}) });
const udp = (port: number | string, endPort?: number) => ({ protocol: 'UDP', port, ...(endPort ? { endPort } : {}) });

/** The /4 around an address, as upstream's makeLargeCIDRForIP. */
function largeCidr(ip: string): string {
  return `${Number(ip.split('.')[0]) & 0xf0}.0.0.0/4`;
}

// ---- cases -----------------------------------------------------------------------

interface Reach {
  peer(from: Peer, to: Peer, allowed: boolean): void;
  ingress(pod: string, allowed: boolean): void;
  egress(pod: string, allowed: boolean): void;
  cell(from: string, to: string, allowed: boolean): void;
}

interface Check {
  port: 80 | 81;
  protocol: MatrixProtocol;
  /** Expectations on top of all-allowed; absent means everything reachable. */
  expect?: (r: Reach) => void;
}

interface Step {
  /** Created or replaced (same name: an update). */
  apply?: (ip: (pod: string) => string) => KubeObject[];
  /** `ns/name` of policies to delete. */
  remove?: string[];
  /** Label changes on namespaces or pods (merge patches). */
  patch?: { ref: ObjectRef; patch: Json }[];
  checks: Check[];
}

interface Case {
  name: string;
  steps: Step[];
  /** Undo label patches afterwards (policies are always deleted). */
  restore?: { ref: ObjectRef; patch: Json }[];
}

const one = (name: string, apply: Step['apply'], checks: Check[]): Case => ({ name, steps: [{ apply, checks }] });

const CASES: Case[] = [
  {
    name: 'model: with no policy every pod reaches every pod on 80 and 81 over TCP and UDP',
    steps: [
      {
        checks: [
          { port: 80, protocol: 'tcp' },
          { port: 81, protocol: 'tcp' },
          { port: 80, protocol: 'udp' },
          { port: 81, protocol: 'udp' },
        ],
      },
    ],
  },
  one("should support a 'default-deny-ingress' policy", () => [policy('x', 'deny-ingress', all, { ingress: [] })], [
    { port: 80, protocol: 'tcp', expect: (r) => r.peer({}, { namespace: 'x' }, false) },
  ]),
  one("should support a 'default-deny-all' policy", () => [policy('x', 'deny-all', all, { ingress: [], egress: [] })], [
    {
      port: 80,
      protocol: 'tcp',
      expect: (r) => {
        r.peer({}, { namespace: 'x' }, false);
        r.peer({ namespace: 'x' }, {}, false);
      },
    },
  ]),
  one('should deny egress from all pods in a namespace', () => [policy('x', 'deny-egress-ns-x', all, { egress: [] })], [
    { port: 80, protocol: 'tcp', expect: (r) => r.peer({ namespace: 'x' }, {}, false) },
  ]),
  one('should deny egress from pods based on PodSelector', () => [policy('x', 'deny-egress-pod-a', pod('a'), { egress: [] })], [
    { port: 80, protocol: 'tcp', expect: (r) => r.egress('x/a', false) },
  ]),
  one(
    'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    () => [policy('x', 'x-a-allows-x-b', pod('a'), { ingress: [{ from: [{ podSelector: pod('b') }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('x/b', 'x/a', true);
        },
      },
    ],
  ),
  one(
    'should enforce policy to allow ingress traffic for a target',
    () => [
      policy('x', 'deny-all', all, { ingress: [] }),
      policy('x', 'allow-all-to-a', pod('a'), { ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', true);
          r.ingress('x/b', false);
          r.ingress('x/c', false); // full model
        },
      },
    ],
  ),
  one(
    'should enforce policy to allow ingress traffic from pods in all namespaces',
    () => [policy('x', 'allow-from-another-ns', pod('a'), { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] })],
    [{ port: 80, protocol: 'tcp' }],
  ),
  one(
    'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    () => [policy('x', 'allow-client-a-via-ns-selector', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('y') }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
          r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
        },
      },
    ],
  ),
  one(
    'should enforce policy based on PodSelector with MatchExpressions',
    () => [policy('x', 'x-a-allows-x-b', pod('a'), { ingress: [{ from: [{ podSelector: expr('pod', 'In', ['b']) }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('x/b', 'x/a', true);
        },
      },
    ],
  ),
  one(
    'should enforce policy based on NamespaceSelector with MatchExpressions',
    () => [
      policy('x', 'allow-ns-y-match-selector', pod('a'), { ingress: [{ from: [{ namespaceSelector: expr('kubernetes.io/metadata.name', 'In', ['y']) }] }] }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
          r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
        },
      },
    ],
  ),
  one(
    'should enforce policy based on PodSelector or NamespaceSelector (two peers: OR)',
    () => [
      policy('x', 'allow-ns-y-match-selector', pod('a'), {
        ingress: [{ from: [{ namespaceSelector: expr('kubernetes.io/metadata.name', 'NotIn', ['x']) }, { podSelector: pod('b') }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.cell('x/a', 'x/a', false);
          r.cell('x/c', 'x/a', false);
        },
      },
    ],
  ),
  one(
    'should enforce policy based on PodSelector and NamespaceSelector (one peer: AND)',
    () => [
      policy('x', 'allow-ns-y-podselector-and-nsselector', pod('a'), {
        ingress: [{ from: [{ namespaceSelector: expr('kubernetes.io/metadata.name', 'NotIn', ['x']), podSelector: pod('b') }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('y/b', 'x/a', true);
          r.cell('z/b', 'x/a', true);
        },
      },
    ],
  ),
  one(
    'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    () => [
      policy('x', 'allow-ns-y-z-pod-b-c', pod('a'), {
        ingress: [{ from: [{ namespaceSelector: expr('kubernetes.io/metadata.name', 'NotIn', ['x']), podSelector: expr('pod', 'In', ['b', 'c']) }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
          r.cell('y/a', 'x/a', false);
          r.cell('z/a', 'x/a', false); // full model
        },
      },
    ],
  ),
  one(
    'should enforce policy based on any PodSelectors',
    () => [policy('x', 'allow-ns-x-pod-b-c', pod('a'), { ingress: [{ from: [{ podSelector: pod('b') }, { podSelector: pod('c') }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('x/b', 'x/a', true);
          r.cell('x/c', 'x/a', true);
        },
      },
    ],
  ),
  {
    name: 'should enforce multiple, stacked policies with overlapping podSelectors (ports; policies are unioned)',
    steps: [
      {
        apply: () => [policy('x', 'allow-client-a-via-ns-selector', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [tcp(81)] }] })],
        checks: [
          {
            port: 81,
            protocol: 'tcp',
            expect: (r) => {
              r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
              r.peer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true);
              r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
            },
          },
          { port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) },
        ],
      },
      {
        apply: () => [
          policy('x', 'allow-client-a-via-ns-selector-80', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [tcp(80)] }] }),
        ],
        checks: [
          {
            port: 80,
            protocol: 'tcp',
            expect: (r) => {
              r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
              r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
            },
          },
        ],
      },
    ],
  },
  one('should support allow-all policy', () => [policy('x', 'allow-all', { matchLabels: {} }, { ingress: [{}] })], [
    { port: 80, protocol: 'tcp' },
    { port: 81, protocol: 'tcp' },
  ]),
  one(
    'should allow ingress access on one named port',
    () => [policy('x', 'allow-all', { matchLabels: {} }, { ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    [
      { port: 81, protocol: 'tcp' },
      { port: 80, protocol: 'tcp', expect: (r) => r.peer({}, { namespace: 'x' }, false) },
    ],
  ),
  one(
    'should allow ingress access from namespace on one named port',
    () => [
      policy('x', 'allow-client-a-via-ns-selector-80', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [tcp('serve-80-tcp')] }] }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
          r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
        },
      },
      { port: 81, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) },
    ],
  ),
  one(
    'should allow egress access on one named port',
    () => [policy('x', 'allow-egress', { matchLabels: {} }, { egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    [
      { port: 80, protocol: 'tcp' },
      { port: 81, protocol: 'tcp', expect: (r) => r.peer({ namespace: 'x' }, {}, false) },
    ],
  ),
  {
    name: 'should enforce updated policy (allow-all, updated to deny-all, updated back to allow-all)',
    steps: [
      { apply: () => [policy('x', 'allow-all-mutate-to-deny-all', { matchLabels: {} }, { ingress: [{}] })], checks: [{ port: 81, protocol: 'tcp' }] },
      {
        apply: () => [policy('x', 'allow-all-mutate-to-deny-all', { matchLabels: {} }, { ingress: [] })],
        checks: [{ port: 81, protocol: 'tcp', expect: (r) => r.peer({}, { namespace: 'x' }, false) }],
      },
      { apply: () => [policy('x', 'allow-all-mutate-to-deny-all', { matchLabels: {} }, { ingress: [{}] })], checks: [{ port: 81, protocol: 'tcp' }] },
    ],
  },
  {
    name: 'should allow ingress access from updated namespace',
    steps: [
      {
        apply: () => [
          policy('x', 'allow-client-a-via-ns-selector', pod('a'), { ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] }),
        ],
        checks: [{ port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) }],
      },
      {
        patch: [{ ref: { kind: 'Namespace', name: 'y' }, patch: { metadata: { labels: { ns2: 'updated' } } } }],
        checks: [
          {
            port: 80,
            protocol: 'tcp',
            expect: (r) => {
              r.ingress('x/a', false);
              r.peer({ namespace: 'y' }, {}, true);
            },
          },
        ],
      },
    ],
    restore: [{ ref: { kind: 'Namespace', name: 'y' }, patch: { metadata: { labels: { ns2: null } } } }],
  },
  {
    name: 'should allow ingress access from updated pod',
    steps: [
      {
        apply: () => [
          policy('x', 'allow-client-a-via-pod-selector', pod('a'), { ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', pod2: 'updated' } } }] }] }),
        ],
        checks: [{ port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) }],
      },
      {
        patch: [{ ref: { kind: 'Pod', namespace: 'x', name: 'b' }, patch: { metadata: { labels: { pod2: 'updated' } } } }],
        checks: [
          {
            port: 80,
            protocol: 'tcp',
            expect: (r) => {
              r.ingress('x/a', false);
              r.cell('x/b', 'x/a', true);
            },
          },
        ],
      },
    ],
    restore: [{ ref: { kind: 'Pod', namespace: 'x', name: 'b' }, patch: { metadata: { labels: { pod2: null } } } }],
  },
  {
    name: 'should deny ingress access to updated pod',
    steps: [
      {
        apply: () => [policy('x', 'deny-ingress-via-label-selector', { matchLabels: { target: 'isolated' } }, { ingress: [] })],
        checks: [{ port: 80, protocol: 'tcp' }],
      },
      {
        patch: [{ ref: { kind: 'Pod', namespace: 'x', name: 'a' }, patch: { metadata: { labels: { target: 'isolated' } } } }],
        checks: [{ port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) }],
      },
    ],
    restore: [{ ref: { kind: 'Pod', namespace: 'x', name: 'a' }, patch: { metadata: { labels: { target: null } } } }],
  },
  one(
    'should deny ingress from pods on other namespaces',
    () => [policy('x', 'deny-empty-policy', all, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'y' }, { namespace: 'x' }, false);
          r.peer({ namespace: 'z' }, { namespace: 'x' }, false);
        },
      },
    ],
  ),
  one(
    'should work with Ingress, Egress specified together',
    () => [policy('x', 'allow-client-a-via-pod-selector', pod('a'), { ingress: [{ from: [{ podSelector: pod('b') }] }], egress: [{ ports: [{ port: 80 }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('x/b', 'x/a', true);
        },
      },
      {
        port: 81,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.egress('x/a', false);
          r.cell('x/b', 'x/a', true);
        },
      },
    ],
  ),
  one(
    'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    () => [
      policy('x', 'allow-to-ns-y-pod-a', pod('a'), { egress: [{ to: [{ namespaceSelector: nsName('y'), podSelector: pod('a') }] }] }),
      policy('y', 'allow-from-xa-on-ya-match-selector', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('x'), podSelector: pod('a') }] }] }),
      policy('y', 'allow-from-xa-on-yb-match-selector', pod('b'), { ingress: [{ from: [{ namespaceSelector: nsName('x'), podSelector: pod('a') }] }] }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.peer({ namespace: 'x', pod: 'a' }, {}, false);
          r.peer({}, { namespace: 'y', pod: 'a' }, false);
          r.peer({ namespace: 'x', pod: 'a' }, { namespace: 'y', pod: 'a' }, true);
          r.peer({}, { namespace: 'y', pod: 'b' }, false);
        },
      },
    ],
  ),
  one(
    'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector (egress to one pod)',
    () => [policy('x', 'allow-to-ns-y-pod-a', pod('a'), { egress: [{ to: [{ namespaceSelector: nsName('y'), podSelector: pod('a') }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.egress('x/a', false);
          r.cell('x/a', 'y/a', true);
        },
      },
    ],
  ),
  one(
    'egress-isolated source and ingress-isolated destination that allow each other (same node or not: both must allow)',
    () => [
      policy('x', 'a-to-y-b-only', pod('a'), { egress: [{ to: [{ namespaceSelector: nsName('y'), podSelector: pod('b') }] }] }),
      policy('y', 'b-from-x-a-only', pod('b'), { ingress: [{ from: [{ namespaceSelector: nsName('x'), podSelector: pod('a') }] }] }),
    ],
    [
      {
        port: 81,
        protocol: 'udp',
        expect: (r) => {
          r.egress('x/a', false);
          r.ingress('y/b', false);
          r.cell('x/a', 'y/b', true);
        },
      },
    ],
  ),
  one(
    'should enforce ingress policy allowing any port traffic to a server on a specific protocol (TCP-only rule)',
    () => [policy('x', 'allow-ingress-by-proto', pod('a'), { ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    [
      { port: 80, protocol: 'tcp' },
      { port: 80, protocol: 'udp', expect: (r) => r.peer({}, { namespace: 'x', pod: 'a' }, false) },
    ],
  ),
  {
    name: 'should enforce multiple ingress policies with ingress allow-all policy taking precedence',
    steps: [
      {
        apply: () => [policy('x', 'allow-ingress-port-80', { matchLabels: {} }, { ingress: [{ ports: [{ port: 80 }] }] })],
        checks: [{ port: 81, protocol: 'tcp', expect: (r) => r.peer({}, { namespace: 'x' }, false) }],
      },
      { apply: () => [policy('x', 'allow-ingress', { matchLabels: {} }, { ingress: [{}] })], checks: [{ port: 81, protocol: 'tcp' }] },
    ],
  },
  {
    name: 'should enforce multiple egress policies with egress allow-all policy taking precedence',
    steps: [
      {
        apply: () => [policy('x', 'allow-egress-port-80', { matchLabels: {} }, { egress: [{ ports: [{ port: 80 }] }] })],
        checks: [{ port: 81, protocol: 'tcp', expect: (r) => r.peer({ namespace: 'x' }, {}, false) }],
      },
      { apply: () => [policy('x', 'allow-egress', { matchLabels: {} }, { egress: [{}] })], checks: [{ port: 81, protocol: 'tcp' }] },
    ],
  },
  {
    name: 'should stop enforcing policies after they are deleted',
    steps: [
      {
        apply: () => [policy('x', 'deny-all', all, { ingress: [], egress: [] })],
        checks: [
          {
            port: 80,
            protocol: 'tcp',
            expect: (r) => {
              r.peer({ namespace: 'x' }, {}, false);
              r.peer({}, { namespace: 'x' }, false);
            },
          },
        ],
      },
      { remove: ['x/deny-all'], checks: [{ port: 80, protocol: 'tcp' }] },
    ],
  },
  one(
    'should allow egress access to server in CIDR block',
    (ip) => [policy('x', 'allow-client-a-via-cidr-egress-rule', pod('a'), { egress: [{ to: [{ ipBlock: { cidr: `${ip('y/b')}/32` } }] }] })],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.egress('x/a', false);
          r.cell('x/a', 'y/b', true);
        },
      },
    ],
  ),
  {
    name: 'should enforce except clause while egress access to server in CIDR block, then allow the excepted IP by updating the policy',
    steps: [
      {
        apply: (ip) => [
          policy('x', 'allow-client-a-via-cidr-egress-rule', pod('a'), {
            egress: [{ to: [{ ipBlock: { cidr: largeCidr(ip('x/b')), except: [`${ip('x/b')}/32`] } }] }],
          }),
        ],
        checks: [{ port: 80, protocol: 'tcp', expect: (r) => r.cell('x/a', 'x/b', false) }],
      },
      {
        apply: (ip) => [policy('x', 'allow-client-a-via-cidr-egress-rule', pod('a'), { egress: [{ to: [{ ipBlock: { cidr: `${ip('x/b')}/32` } }] }] })],
        checks: [
          {
            port: 80,
            protocol: 'tcp',
            expect: (r) => {
              r.egress('x/a', false);
              r.cell('x/a', 'x/b', true);
            },
          },
        ],
      },
    ],
  },
  {
    name: 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
    steps: [
      { apply: () => [policy('x', 'allow-egress-for-target', pod('a'), { egress: [{}] })], checks: [{ port: 80, protocol: 'tcp' }] },
      {
        apply: () => [policy('x', 'deny-ingress-via-label-selector', pod('a'), { ingress: [] })],
        checks: [{ port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) }],
      },
    ],
  },
  one(
    "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    () => [
      policy('x', 'deny-ingress', all, { ingress: [] }),
      policy('x', 'allow-only-sctp-ingress-on-port-81', pod('a'), { ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] }),
    ],
    [{ port: 81, protocol: 'tcp', expect: (r) => r.peer({}, { namespace: 'x' }, false) }],
  ),
  one(
    'should not allow access by TCP when a policy specifies only UDP (UDP-only rule)',
    () => [policy('x', 'allow-only-udp-ingress-on-port-81', pod('a'), { ingress: [{ ports: [udp(81)] }] })],
    [
      { port: 81, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) },
      { port: 81, protocol: 'udp' },
    ],
  ),
  one(
    'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label (NotIn, egress)',
    () => [
      policy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', pod('a'), {
        egress: [{ to: [{ namespaceSelector: expr('kubernetes.io/metadata.name', 'NotIn', ['y']) }] }],
      }),
    ],
    [{ port: 80, protocol: 'tcp', expect: (r) => r.peer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, false) }],
  ),
  one(
    'namespaceSelector Exists AND podSelector In (matchExpressions)',
    () => [
      policy('x', 'allow-pod-c-from-labelled-namespaces', pod('a'), {
        ingress: [{ from: [{ namespaceSelector: expr('ns', 'Exists'), podSelector: expr('pod', 'In', ['c']) }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.peer({ pod: 'c' }, { namespace: 'x', pod: 'a' }, true);
        },
      },
    ],
  ),
  one(
    'namespaceSelector DoesNotExist matches no namespace; podSelector NotIn picks the targets',
    () => [
      policy('y', 'allow-from-unlabelled-namespaces', expr('pod', 'NotIn', ['a']), {
        ingress: [{ from: [{ namespaceSelector: expr('ns', 'DoesNotExist') }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'tcp',
        expect: (r) => {
          r.ingress('y/b', false);
          r.ingress('y/c', false);
        },
      },
    ],
  ),
  one(
    'port range: ingress on TCP 81-90 (endPort) allows 81, not 80',
    () => [policy('x', 'allow-port-range', pod('a'), { ingress: [{ ports: [tcp(81, 90)] }] })],
    [
      { port: 81, protocol: 'tcp' },
      { port: 80, protocol: 'tcp', expect: (r) => r.ingress('x/a', false) },
    ],
  ),
  one(
    'port range: egress on UDP 70-80 (endPort) allows UDP 80, not UDP 81 or TCP 80',
    () => [policy('x', 'allow-udp-range', pod('a'), { egress: [{ ports: [udp(70, 80)] }] })],
    [
      { port: 80, protocol: 'udp' },
      { port: 81, protocol: 'udp', expect: (r) => r.egress('x/a', false) },
      { port: 80, protocol: 'tcp', expect: (r) => r.egress('x/a', false) },
    ],
  ),
  one(
    'ingress ipBlock over the pod network except one pod IP',
    (ip) => [
      policy('x', 'allow-pod-network-but-y-b', pod('a'), { ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`${ip('y/b')}/32`] } }] }] }),
    ],
    [{ port: 80, protocol: 'tcp', expect: (r) => r.cell('y/b', 'x/a', false) }],
  ),
  one("UDP: should support a 'default-deny-ingress' policy", () => [policy('x', 'deny-all', all, { ingress: [] })], [
    { port: 80, protocol: 'udp', expect: (r) => r.peer({}, { namespace: 'x' }, false) },
  ]),
  one(
    'UDP: should enforce policy based on Ports',
    () => [policy('x', 'allow-ingress-on-port-81-ns-x', pod('a'), { ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [udp(81)] }] })],
    [
      {
        port: 81,
        protocol: 'udp',
        expect: (r) => {
          r.peer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false);
          r.peer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
        },
      },
    ],
  ),
  one(
    'UDP: should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    () => [
      policy('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', pod('a'), {
        ingress: [{ from: [{ namespaceSelector: nsName('y'), podSelector: pod('a') }] }],
      }),
    ],
    [
      {
        port: 80,
        protocol: 'udp',
        expect: (r) => {
          r.ingress('x/a', false);
          r.cell('y/a', 'x/a', true);
        },
      },
    ],
  ),
  one(
    'UDP: egress allowed to one named UDP port only (serve-81-udp)',
    () => [policy('z', 'allow-egress-serve-81-udp', pod('c'), { egress: [{ ports: [{ protocol: 'UDP', port: 'serve-81-udp' }] }] })],
    [
      { port: 81, protocol: 'udp' },
      { port: 80, protocol: 'udp', expect: (r) => r.egress('z/c', false) },
      { port: 81, protocol: 'tcp', expect: (r) => r.egress('z/c', false) },
    ],
  ),
];

// ---- the harness -------------------------------------------------------------------

function expectedTable(pods: string[], check: Check): TruthTable {
  const table = newTruthTable(pods, true);
  check.expect?.({
    peer: (from, to, allowed) => expectPeer(table, from, to, allowed),
    ingress: (p, allowed) => expectAllIngress(table, p, allowed),
    egress: (p, allowed) => expectAllEgress(table, p, allowed),
    cell: (from, to, allowed) => expectCell(table, from, to, allowed),
  });
  return table;
}

describe.skipIf(labTests.skip)(labTests.title('upstream NetworkPolicy e2e cases on the netns lab'), () => {
  guardHost(LAB);
  let lab: NetnsLab;
  let pods: MatrixPod[];
  const started = performance.now();

  beforeAll(async () => {
    process.env.NETBREAK_STATE_DIR = stateDir;
    const up = await netbreak(['lab', 'up', '--name', LAB, '--json'], env);
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr || up.stdout}`);
    lab = new NetnsLab(LAB);
    const objects = YAML.parseAllDocuments(fs.readFileSync(MODEL, 'utf8'))
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null);
    await lab.apply(objects);
    const podRefs = objects.filter((o) => o.kind === 'Pod').map((o) => ({ kind: 'Pod', namespace: o.metadata.namespace!, name: o.metadata.name }));
    await lab.waitReady(podRefs, 30_000);
    pods = matrixPods(await lab.list('Pod'), NAMESPACES);
    expect(pods.map((p) => p.name)).toEqual(['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c']);
  });

  afterAll(async () => {
    const down = await netbreak(['lab', 'down', '--name', LAB], env);
    const left = (await execa('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`nb-${LAB}-`));
    fs.rmSync(stateDir, { recursive: true, force: true });
    console.log(`netpol conformance: ${CASES.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(down.code).toBe(0);
    expect(left).toEqual([]);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const created = new Set<string>();
      const ip = (name: string) => pods.find((p) => p.name === name)?.ip ?? expect.fail(`no pod ${name} in the model`);
      try {
        for (const [s, step] of c.steps.entries()) {
          for (const { ref, patch } of step.patch ?? []) await lab.patch(ref, patch);
          for (const ref of step.remove ?? []) {
            const [namespace, name] = ref.split('/') as [string, string];
            await lab.delete({ kind: 'NetworkPolicy', namespace, name });
            created.delete(ref);
          }
          const policies = step.apply?.(ip) ?? [];
          if (policies.length > 0) await lab.apply(policies);
          for (const p of policies) created.add(`${p.metadata.namespace}/${p.metadata.name}`);

          // The checks of one step are independent: probe them all at once.
          const results = await Promise.all(
            step.checks.map((check) => runMatrix((requests) => lab.probeMany(requests), pods, { port: check.port, protocol: check.protocol })),
          );
          step.checks.forEach((check, k) => {
            const observed = results[k]!.table;
            const expected = expectedTable(observed.pods, check);
            const diffs = compareTables(expected, observed);
            const where = `step ${s + 1}, ${check.protocol}/${check.port}`;
            const errors = [...new Set(results[k]!.results.flatMap((r) => (r.error ? [r.error] : [])))];
            expect(
              diffs,
              [
                `${where}: ${diffs.length} cell(s) differ (loopback ignored)`,
                describeDiffs(diffs),
                `expected:\n${renderTruthTable(expected)}`,
                `observed:\n${renderTruthTable(observed)}`,
                ...(errors.length ? [`probes not sent: ${errors.join('; ')}`] : []),
              ].join('\n\n'),
            ).toEqual([]);
          });
        }
      } finally {
        for (const ref of created) {
          const [namespace, name] = ref.split('/') as [string, string];
          await lab.delete({ kind: 'NetworkPolicy', namespace, name });
        }
        for (const { ref, patch } of c.restore ?? []) await lab.patch(ref, patch);
      }
    });
  }
});
