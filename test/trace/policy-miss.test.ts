import { expect, it } from 'vitest';
import type { V1Namespace, V1NetworkPolicy } from '../../src/k8s/objects.js';
import type { PolicyPod } from '../../src/k8s/netpol/types.js';
import { rankIsolatingPolicies } from '../../src/trace/policy-miss.js';

const pod = (namespace: string, name: string, labels: Record<string, string>, ip: string): PolicyPod => ({
  namespace,
  name,
  labels,
  ip,
  nodeName: 'worker',
  hostVeth: '',
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
});
const frontend = pod('shop', 'frontend-1', { app: 'frontend' }, '10.244.2.3');
const api = pod('shop', 'api-1', { app: 'api' }, '10.244.1.3');
const namespaces: V1Namespace[] = [{ metadata: { name: 'shop', labels: {} } }, { metadata: { name: 'monitoring', labels: {} } }];
const policy = (name: string, ingress: unknown[] | undefined): V1NetworkPolicy => ({
  metadata: { name, namespace: 'shop' },
  spec: { podSelector: {}, policyTypes: ['Ingress'], ...(ingress ? { ingress: ingress as never } : {}) },
});
const flow = {
  direction: 'ingress' as const,
  peer: { ip: frontend.ip, pod: frontend, text: 'pod shop/frontend-1' },
  dstPod: api,
  port: 8080,
  protocol: 'TCP' as const,
};
const rank = (policies: V1NetworkPolicy[]) => rankIsolatingPolicies(policies, namespaces, policies.map((p) => `shop/${p.metadata!.name}`).sort(), flow);

it('an allow rule with the right port and a peer that matches nobody comes before the deny-all, with why', () => {
  const policies = [
    policy('default-deny', undefined),
    policy('allow', [{ from: [{ podSelector: { matchLabels: { app: 'fronted' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }]),
  ];
  expect(rank(policies)).toEqual([
    { policy: 'shop/allow', why: 'its ingress rule 0 admits tcp/http, but its from (podSelector app=fronted) does not match pod shop/frontend-1' },
    { policy: 'shop/default-deny' },
  ]);
});

it("the right peer on the Service's port instead of the pod's", () => {
  const policies = [
    policy('a-deny', undefined),
    policy('z-allow', [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 80 }] }]),
  ];
  expect(rank(policies)[0]).toEqual({ policy: 'shop/z-allow', why: 'its ingress rule 0 admits pod shop/frontend-1 but only tcp/80, not tcp/8080' });
});

it('a namespaceSelector AND a podSelector in one peer shows the AND', () => {
  const policies = [
    policy('api-ingress', [
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { app: 'frontend' } } }] },
    ]),
  ];
  expect(rank(policies)[0]!.why).toBe(
    'its ingress rule 0 admits every port, but its from (namespaceSelector kubernetes.io/metadata.name=monitoring AND podSelector app=frontend) does not match pod shop/frontend-1',
  );
});

it('rules that miss on both counts rank after a near miss, before a plain deny', () => {
  const policies = [
    policy('deny', undefined),
    policy('far', [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }], ports: [{ protocol: 'UDP', port: 53 }] }]),
  ];
  expect(rank(policies)).toEqual([{ policy: 'shop/far', why: 'none of its ingress rules matches pod shop/frontend-1 or tcp/8080' }, { policy: 'shop/deny' }]);
});
