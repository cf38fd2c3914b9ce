import { describe, expect, it } from 'vitest';
import { findPod } from '../../src/lab/find-pod.js';
import type { KubeObject } from '../../src/k8s/objects.js';

function pod(name: string, owner: string | undefined, ready: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: `uid-${owner}` }] } : {}),
    },
    spec: {},
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('findPod', () => {
  it('an exact pod name wins', () => {
    const pods = [pod('frontend-abc-1', 'frontend', true), pod('frontend', undefined, false)];
    expect(findPod(pods, 'frontend')?.metadata.name).toBe('frontend');
  });

  it('a Deployment name picks its first ready pod', () => {
    const pods = [pod('api-7d9f5-aaaaa', 'api', false), pod('api-7d9f5-bbbbb', 'api', true), pod('api-7d9f5-ccccc', 'api', true)];
    expect(findPod(pods, 'api')?.metadata.name).toBe('api-7d9f5-bbbbb');
  });

  it('falls back to a not-ready pod when none is ready, and to nothing when none matches', () => {
    expect(findPod([pod('api-7d9f5-aaaaa', 'api', false)], 'api')?.metadata.name).toBe('api-7d9f5-aaaaa');
    expect(findPod([pod('api-7d9f5-aaaaa', 'api', true)], 'frontend')).toBeUndefined();
  });

  it('a name prefix finds pods without owners (bare pods named like a workload)', () => {
    expect(findPod([pod('client-1', undefined, true)], 'client')?.metadata.name).toBe('client-1');
  });

  it('a Deployment name never picks the pod of another Deployment whose name it prefixes', () => {
    const pods = [pod('api-gateway-5c4b8-aaaaa', 'api-gateway', true), pod('api-zz9f5-bbbbb', 'api', false), pod('api-zz9f5-ccccc', 'api', true)];
    expect(findPod(pods, 'api')?.metadata.name).toBe('api-zz9f5-ccccc');
    expect(findPod(pods.slice(0, 2), 'api')?.metadata.name).toBe('api-zz9f5-bbbbb');
  });

  it('a Deployment name finds its pods through their ReplicaSet, never those of a Deployment it prefixes', () => {
    const rsPod = (name: string, rs: string, hash: string, ready: boolean): KubeObject => ({
      ...pod(name, undefined, ready),
      metadata: {
        name,
        namespace: 'shop',
        labels: { 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true }],
      },
    });
    const pods = [rsPod('api-gateway-5c4b8-aaaaa', 'api-gateway-5c4b8', '5c4b8', true), rsPod('api-zz9f5-bbbbb', 'api-zz9f5', 'zz9f5', true)];
    expect(findPod(pods, 'api')?.metadata.name).toBe('api-zz9f5-bbbbb');
  });
});
