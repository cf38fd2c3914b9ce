import { expect, it } from 'vitest';
import { NamespaceMap, NamespaceRefusedError } from '../../../src/lab/kubeconfig/namespaces.js';

const map = new NamespaceMap('alice');

it('gives each learner a copy of the scenario namespaces, and leaves system namespaces shared', () => {
  expect(map.toCluster('shop')).toBe('nb-alice-shop');
  expect(map.toCluster('nb-alice-shop')).toBe('nb-alice-shop');
  expect(map.toCluster('kube-system')).toBe('kube-system');
  expect(map.fromCluster('nb-alice-shop')).toBe('shop');
  expect(map.fromCluster('nb-bob-shop')).toBeUndefined();
  expect(() => map.toCluster('x'.repeat(60))).toThrow(NamespaceRefusedError);
});

it('maps objects there and back: namespace, Namespace name and labels, policy selectors by namespace name', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { ns: 'x', 'kubernetes.io/metadata.name': 'x' } } };
  expect(map.object(ns).metadata).toEqual({
    name: 'nb-alice-x',
    labels: { ns: 'x', 'kubernetes.io/metadata.name': 'nb-alice-x', 'netbreak.dev/learner': 'alice', 'netbreak.dev/namespace': 'x' },
  });
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-dns', namespace: 'shop' },
    spec: {
      podSelector: {},
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }] },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }] },
      ],
      ingress: [
        { from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'kube-system'] }] } }] },
      ],
    },
  };
  const sent = map.object(policy);
  expect(sent.metadata.namespace).toBe('nb-alice-shop');
  expect((sent.spec as any).egress.map((r: any) => r.to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual([
    'kube-system',
    'nb-alice-shop',
  ]);
  expect((sent.spec as any).ingress[0].from[0].namespaceSelector.matchExpressions[0].values).toEqual(['nb-alice-shop', 'kube-system']);
  expect(map.objectBack(sent)).toEqual(policy);
  expect(policy.metadata.namespace).toBe('shop');
});

it('maps probe sources and service DNS names of the scenario namespaces only', () => {
  const mine = new Set(['shop']);
  expect(map.podRef('shop/frontend')).toBe('nb-alice-shop/frontend');
  expect(map.probeUrl('http://api.shop.svc.cluster.local:8080/', mine)).toBe('http://api.nb-alice-shop.svc.cluster.local:8080/');
  expect(map.probeUrl('http://api.shop:8080/x', mine)).toBe('http://api.nb-alice-shop:8080/x');
  expect(map.probeUrl('dns://api.shop.svc', mine)).toBe('dns://api.nb-alice-shop.svc');
  expect(map.probeUrl('dns://10-244-1-3.shop.pod.cluster.local', mine)).toBe('dns://10-244-1-3.nb-alice-shop.pod.cluster.local');
  expect(map.probeUrl('udp://kube-dns.kube-system.svc.cluster.local:53', mine)).toBe('udp://kube-dns.kube-system.svc.cluster.local:53');
  expect(map.probeUrl('tcp://10.96.0.10:53', mine)).toBe('tcp://10.96.0.10:53');
  expect(map.probeUrl('http://www.example.com/', mine)).toBe('http://www.example.com/');
  expect(map.probeUrl('http://api.other.svc:80/', mine)).toBe('http://api.other.svc:80/');
});
