import { describe, expect, it, vi, beforeAll, afterAll } from 'vitest';
import { tableFor } from '../../src/cli/object-tables.js';
import type { KubeObject } from '../../src/k8s/objects.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const created = new Date(NOW - 192_000).toISOString(); // 3m12s

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => vi.useRealTimers());

const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  ...(labels ? { labels } : {}),
  creationTimestamp: created,
});
const plain = { wide: false, allNamespaces: false };

describe('get tables', () => {
  it('Pod: READY counts ready containers, STATUS shows a waiting reason over the phase, -o wide adds IP and NODE', () => {
    const running: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('api-7d9f5-x2kqp', 'shop'),
      spec: { nodeName: 'worker', containers: [{ name: 'a' }, { name: 'b' }] },
      status: { phase: 'Running', podIP: '10.244.1.5', containerStatuses: [{ ready: true, restartCount: 2 }, { ready: false }] },
    };
    const crashing: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta('db-0', 'shop'),
      spec: { containers: [{ name: 'db' }] },
      status: { phase: 'Running', containerStatuses: [{ ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
    };
    expect(tableFor('Pod', [running, crashing], plain)).toEqual({
      head: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      rows: [
        ['api-7d9f5-x2kqp', '1/2', 'Running', '2', '3m12s'],
        ['db-0', '0/1', 'CrashLoopBackOff', '7', '3m12s'],
      ],
    });
    const wide = tableFor('Pod', [running, crashing], { wide: true, allNamespaces: false });
    expect(wide.head).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']);
    expect(wide.rows.map((r) => r.slice(5))).toEqual([
      ['10.244.1.5', 'worker'],
      ['<none>', '<none>'],
    ]);
  });

  it('Service: PORT(S) shows port:nodePort/protocol, EXTERNAL-IP <none>, -o wide adds the SELECTOR', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('web', 'shop'),
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.12.34',
        selector: { app: 'web', tier: 'front' },
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      },
    };
    const headless: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: meta('db', 'shop'), spec: { clusterIP: 'None', ports: [] } };
    const table = tableFor('Service', [svc, headless], { wide: true, allNamespaces: false });
    expect(table.head).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(table.rows).toEqual([
      ['web', 'NodePort', '10.96.12.34', '<none>', '80:30080/TCP,53/UDP', '3m12s', 'app=web,tier=front'],
      ['db', 'ClusterIP', 'None', '<none>', '<none>', '3m12s', '<none>'],
    ]);
  });

  it('Endpoints: ready address:port pairs, <none> when nothing is ready', () => {
    const eps: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta('api', 'shop'),
      subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.7' }], notReadyAddresses: [{ ip: '10.244.2.8' }], ports: [{ port: 8080 }] }],
    };
    const none: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta('empty', 'shop'),
      subsets: [{ notReadyAddresses: [{ ip: '10.244.2.8' }], ports: [{ port: 8080 }] }],
    };
    expect(tableFor('Endpoints', [eps, none], plain).rows).toEqual([
      ['api', '10.244.1.5:8080,10.244.2.7:8080', '3m12s'],
      ['empty', '<none>', '3m12s'],
    ]);
  });

  it('EndpointSlice: address type, ports and addresses, <unset> when empty', () => {
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('api-abcde', 'shop'),
      addressType: 'IPv4',
      ports: [{ port: 8080 }],
      endpoints: [{ addresses: ['10.244.1.5'] }],
    };
    const empty: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('api-fghij', 'shop'),
      addressType: 'IPv4',
      ports: [],
      endpoints: [],
    };
    expect(tableFor('EndpointSlice', [slice, empty], plain)).toEqual({
      head: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
      rows: [
        ['api-abcde', 'IPv4', '8080', '10.244.1.5', '3m12s'],
        ['api-fghij', 'IPv4', '<unset>', '<unset>', '3m12s'],
      ],
    });
  });

  it('NetworkPolicy: the pod selector, <none> for all pods', () => {
    const policies: KubeObject[] = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny-all', 'shop'), spec: { podSelector: {} } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('api', 'shop'),
        spec: { podSelector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] } },
      },
    ];
    expect(tableFor('NetworkPolicy', policies, plain)).toEqual({
      head: ['NAME', 'POD-SELECTOR', 'AGE'],
      rows: [
        ['deny-all', '<none>', '3m12s'],
        ['api', 'app=api,tier in (a,b)', '3m12s'],
      ],
    });
  });

  it('Deployment and DaemonSet: the counts kubectl shows', () => {
    const deploy: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('coredns', 'kube-system'),
      spec: { replicas: 2 },
      status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    };
    const scaledDown: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('api', 'shop'), spec: { replicas: 0 }, status: {} };
    expect(tableFor('Deployment', [deploy, scaledDown], plain)).toEqual({
      head: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      rows: [
        ['coredns', '1/2', '2', '1', '3m12s'],
        ['api', '0/0', '0', '0', '3m12s'],
      ],
    });
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('kube-proxy', 'kube-system'),
      spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    expect(tableFor('DaemonSet', [ds], plain)).toEqual({
      head: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
      rows: [['kube-proxy', '3', '3', '2', '3', '2', 'kubernetes.io/os=linux', '3m12s']],
    });
  });

  it('Node: ROLES control-plane or <none>, -o wide adds the INTERNAL-IP', () => {
    const nodes: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: meta('control-plane', undefined, { 'node-role.kubernetes.io/control-plane': '' }),
        status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
      },
      { apiVersion: 'v1', kind: 'Node', metadata: meta('worker', undefined, {}), status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] } },
    ];
    const table = tableFor('Node', nodes, { wide: true, allNamespaces: false });
    expect(table.head).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP']);
    expect(table.rows.map((r) => [r[0], r[2], r[5]])).toEqual([
      ['control-plane', 'control-plane', '172.18.0.2'],
      ['worker', '<none>', '172.18.0.3'],
    ]);
  });

  it('ConfigMap counts its keys; Namespace is Active', () => {
    expect(
      tableFor(
        'ConfigMap',
        [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('coredns', 'kube-system'), data: { Corefile: '.:53 {}', extra: 'x' } }],
        plain,
      ).rows,
    ).toEqual([['coredns', '2', '3m12s']]);
    expect(tableFor('Namespace', [{ apiVersion: 'v1', kind: 'Namespace', metadata: meta('shop') }], plain)).toEqual({
      head: ['NAME', 'STATUS', 'AGE'],
      rows: [['shop', 'Active', '3m12s']],
    });
  });

  it('-A puts a NAMESPACE column first', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('coredns', 'kube-system'), data: {} };
    expect(tableFor('ConfigMap', [cm], { wide: false, allNamespaces: true })).toEqual({
      head: ['NAMESPACE', 'NAME', 'DATA', 'AGE'],
      rows: [['kube-system', 'coredns', '0', '3m12s']],
    });
  });
});
