import { expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/objects.js';
import { workloadOf } from '../../src/k8s/pod-workload.js';

const pod = (owner: { kind: string; name: string } | undefined, hash?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'shop',
    ...(hash ? { labels: { 'pod-template-hash': hash } } : {}),
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', ...owner, uid: 'u', controller: true }] } : {}),
  },
});

it('a pod belongs to its Deployment, directly (netns lab) or through its ReplicaSet (a real cluster)', () => {
  expect(workloadOf(pod({ kind: 'Deployment', name: 'api' }))).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
  expect(workloadOf(pod({ kind: 'ReplicaSet', name: 'api-7d9f8c6b5' }, '7d9f8c6b5'))).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api' });
  expect(workloadOf(pod({ kind: 'ReplicaSet', name: 'standalone' }))).toEqual({ kind: 'ReplicaSet', namespace: 'shop', name: 'standalone' });
  expect(workloadOf(pod({ kind: 'DaemonSet', name: 'kube-proxy' }))).toEqual({ kind: 'DaemonSet', namespace: 'shop', name: 'kube-proxy' });
  expect(workloadOf(pod(undefined))).toBeUndefined();
});
