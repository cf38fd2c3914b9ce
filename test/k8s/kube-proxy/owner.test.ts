import { expect, it } from 'vitest';
import { kubeProxyOwners } from '../../../src/k8s/kube-proxy/owner.js';
import { kubeProxyRestore } from '../../../src/k8s/kube-proxy/rules.js';
import { smallCluster } from './fixtures.js';

it('names the Service or Pod behind each per-service chain', () => {
  const owners = kubeProxyOwners(smallCluster());
  expect(owners.get('KUBE-SVC-67NZLRHBNDSAWJRO')).toEqual({ kind: 'Service', namespace: 'shop', name: 'web', port: 'http' });
  expect(owners.get('KUBE-EXT-67NZLRHBNDSAWJRO')).toEqual({ kind: 'Service', namespace: 'shop', name: 'web', port: 'http' });
  expect(owners.get('KUBE-SVL-67NZLRHBNDSAWJRO')).toEqual({ kind: 'Service', namespace: 'shop', name: 'web', port: 'http' });
  expect(owners.get('KUBE-FW-67NZLRHBNDSAWJRO')).toEqual({ kind: 'Service', namespace: 'shop', name: 'web', port: 'http' });
  expect(owners.get('KUBE-SEP-34ZZ2QFGO32YYXXO')).toEqual({
    kind: 'Pod',
    namespace: 'shop',
    name: 'web-1',
    port: 'http',
    endpoint: '10.244.1.5:8080',
  });
  expect(owners.get('KUBE-SVC-TCOU7JCQXEZGVUNU')).toEqual({ kind: 'Service', namespace: 'kube-system', name: 'kube-dns', port: 'dns' });
  expect(owners.get('KUBE-SVC-YXV5H5BMJ7R44KSX')).toEqual({ kind: 'Service', namespace: 'shop', name: 'db' });
});

it('also names the chain of a not-ready endpoint, which a stale table may still hold', () => {
  // 10.244.1.9 is not ready, so kubeProxyRestore writes no chain for it.
  expect(kubeProxyOwners(smallCluster()).get('KUBE-SEP-Z5LSZF7RYHBWLYWB')).toMatchObject({ kind: 'Pod', name: 'web-3' });
});

it('covers every per-service chain kubeProxyRestore declares', () => {
  const input = smallCluster();
  const owners = kubeProxyOwners(input);
  const chains = kubeProxyRestore(input)
    .match(/^:KUBE-(SVC|SVL|EXT|FW|SEP)-\S+/gm)!
    .map((line) => line.slice(1));
  expect(chains.length).toBeGreaterThan(0);
  for (const chain of chains) expect(owners.has(chain), chain).toBe(true);
});

it('keeps the Service as owner of an endpoint without a Pod targetRef', () => {
  const input = smallCluster();
  delete input.endpointSlices[1]!.endpoints[0]!.targetRef;
  expect(kubeProxyOwners(input).get('KUBE-SEP-6E7XQMQ4RAYOWTTM')).toEqual({
    kind: 'Service',
    namespace: 'kube-system',
    name: 'kube-dns',
    port: 'dns',
    endpoint: '10.244.0.3:53',
  });
});
