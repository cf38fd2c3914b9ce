import { expect, it } from 'vitest';
import { kindNodeNames, mapNodeNames, mapNodeRef, mapObjectNodeNames, unchangedNodeNames } from '../../../src/lab/kube-api/node-names.js';
import type { KubeObject } from '../../../src/k8s/objects.js';

const kind = kindNodeNames('netbreak');

it('names nodes as kind does, and back', () => {
  expect(['control-plane', 'worker', 'worker2'].map(kind.toCluster)).toEqual(['netbreak-control-plane', 'netbreak-worker', 'netbreak-worker2']);
  expect(kind.toCluster('netbreak-worker')).toBe('netbreak-worker');
  expect(kind.fromCluster('netbreak-worker2')).toBe('worker2');
  expect(kind.fromCluster('elsewhere')).toBe('elsewhere');
  expect(kindNodeNames('play').toCluster('worker')).toBe('play-worker');
  expect(unchangedNodeNames.toCluster('ip-10-0-1-7')).toBe('ip-10-0-1-7');
  expect(mapNodeRef({ kind: 'Node', name: 'worker2' }, kind.toCluster)).toEqual({ kind: 'Node', name: 'netbreak-worker2' });
  expect(mapNodeRef({ kind: 'Pod', namespace: 'shop', name: 'worker2' }, kind.toCluster)).toEqual({ kind: 'Pod', namespace: 'shop', name: 'worker2' });
});

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'frontend', namespace: 'shop', labels: { 'kubernetes.io/hostname': 'worker2' } },
  spec: {
    selector: { matchLabels: { app: 'frontend' } },
    template: {
      metadata: { labels: { app: 'frontend' } },
      spec: {
        nodeSelector: { 'kubernetes.io/hostname': 'worker2', disk: 'worker2' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['worker'] },
                    { key: 'zone', operator: 'In', values: ['worker'] },
                  ],
                },
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['control-plane'] }] },
              ],
            },
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 1, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker2'] }] } },
            ],
          },
        },
        containers: [{ name: 'frontend', image: 'agnhost' }],
      },
    },
  },
};

it('maps the node fields of a pod template, and only those', () => {
  const sent = mapObjectNodeNames(deployment, kind.toCluster) as any;
  const spec = sent.spec.template.spec;
  expect(spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'netbreak-worker2', disk: 'worker2' });
  const [first, second] = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
  expect(first.matchExpressions).toEqual([
    { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['netbreak-worker'] },
    { key: 'zone', operator: 'In', values: ['worker'] },
  ]);
  expect(second.matchFields[0].values).toEqual(['netbreak-control-plane']);
  expect(spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values).toEqual(['netbreak-worker2']);
  // A Deployment's own labels are not a node's.
  expect(sent.metadata.labels).toEqual({ 'kubernetes.io/hostname': 'worker2' });
  // The input is left alone, and the way back restores it.
  expect((deployment.spec as any).template.spec.nodeSelector['kubernetes.io/hostname']).toBe('worker2');
  expect(mapObjectNodeNames(sent, kind.fromCluster)).toEqual(deployment);
});

it('maps pods, nodes and endpoint records as the cluster returns them', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-1', namespace: 'shop' },
    spec: { nodeName: 'netbreak-worker', containers: [] },
  };
  expect((mapObjectNodeNames(pod, kind.fromCluster).spec as any).nodeName).toBe('worker');
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'netbreak-worker2', labels: { 'kubernetes.io/hostname': 'netbreak-worker2', 'kubernetes.io/os': 'linux' } },
  };
  expect(mapObjectNodeNames(node, kind.fromCluster).metadata).toEqual({
    name: 'worker2',
    labels: { 'kubernetes.io/hostname': 'worker2', 'kubernetes.io/os': 'linux' },
  });
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'api-x', namespace: 'shop' },
    endpoints: [{ addresses: ['10.244.1.3'], nodeName: 'netbreak-worker' }, { addresses: ['10.244.2.3'] }],
  } as KubeObject;
  expect((mapObjectNodeNames(slice, kind.fromCluster) as any).endpoints.map((e: any) => e.nodeName)).toEqual(['worker', undefined]);
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'api', namespace: 'shop' },
    subsets: [{ addresses: [{ ip: '10.244.1.3', nodeName: 'netbreak-worker' }], notReadyAddresses: [{ ip: '10.244.2.3', nodeName: 'netbreak-worker2' }] }],
  } as KubeObject;
  const back = mapObjectNodeNames(endpoints, kind.fromCluster) as any;
  expect([back.subsets[0].addresses[0].nodeName, back.subsets[0].notReadyAddresses[0].nodeName]).toEqual(['worker', 'worker2']);
});

it('maps a merge patch, and leaves its nulls (field removals) alone', () => {
  const narrow = {
    spec: {
      template: {
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['worker2'] }] }],
              },
            },
          },
        },
      },
    },
  };
  expect(JSON.stringify(mapNodeNames(narrow, 'DaemonSet', kind.toCluster))).toContain('"values":["netbreak-worker2"]');
  const widen = { spec: { template: { spec: { affinity: null, nodeSelector: null } } } };
  expect(mapNodeNames(widen, 'DaemonSet', kind.toCluster)).toEqual(widen);
  expect(mapNodeNames({ metadata: { labels: { team: 'web' } } }, 'Namespace', kind.toCluster)).toEqual({ metadata: { labels: { team: 'web' } } });
});
