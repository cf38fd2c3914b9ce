// Every printer against kube-apiserver's column names (as kubectl upper-cases them) and cell formats.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { PRINTERS, printerFor } from '../../../src/k8s/printers/printers.js';

const NOW = Date.parse('2026-12-07T20:00:00Z');
const CREATED = '2026-12-07T17:00:00Z'; // 3h ago

function obj(kind: string, fields: Record<string, unknown>, name = 'x'): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name, namespace: 'shop', creationTimestamp: CREATED }, ...fields };
}

/** The header kubectl prints: upper-cased names, `| ` before the -o wide extras. */
function header(kind: string): string {
  const cols = printerFor(kind).columns;
  const normal = cols.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase());
  const wide = cols.filter((c) => c.priority > 0).map((c) => c.name.toUpperCase());
  return wide.length ? `${normal.join(' ')} | ${wide.join(' ')}` : normal.join(' ');
}

describe('column headers match kube-apiserver (facts.md)', () => {
  it.each([
    ['Pod', 'NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES'],
    ['Service', 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR'],
    ['Endpoints', 'NAME ENDPOINTS AGE'],
    ['EndpointSlice', 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE'],
    ['Deployment', 'NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR'],
    ['ReplicaSet', 'NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR'],
    ['DaemonSet', 'NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE | CONTAINERS IMAGES SELECTOR'],
    ['NetworkPolicy', 'NAME POD-SELECTOR AGE'],
    ['ConfigMap', 'NAME DATA AGE'],
    ['Namespace', 'NAME STATUS AGE'],
    ['Node', 'NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME'],
    ['Event', 'LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE FIRST SEEN COUNT NAME'],
  ])('%s', (kind, expected) => {
    expect(header(kind)).toBe(expected);
  });

  it('gives every printer one cell per column', () => {
    for (const printer of PRINTERS) expect(printer.cells(obj(printer.kind, {}), NOW)).toHaveLength(printer.columns.length);
  });
});

describe('Service', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) =>
    printerFor('Service').cells(obj('Service', { spec, status }, 'api'), NOW);

  it('shows a ClusterIP Service with its ports and selector', () => {
    expect(
      svc({
        type: 'ClusterIP',
        clusterIP: '10.96.4.7',
        clusterIPs: ['10.96.4.7'],
        selector: { app: 'api' },
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      }),
    ).toEqual(['api', 'ClusterIP', '10.96.4.7', '<none>', '80/TCP,53/UDP', '3h', 'app=api']);
  });

  it('shows a NodePort with port:nodePort, a headless Service as None', () => {
    expect(svc({ type: 'NodePort', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }).slice(1, 5)).toEqual([
      'NodePort',
      '10.96.0.9',
      '<none>',
      '80:30080/TCP',
    ]);
    expect(svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }).slice(2, 5)).toEqual(['None', '<none>', '<none>']);
  });

  it('shows a LoadBalancer as <pending> until it has an ingress, and an ExternalName target', () => {
    expect(svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.9'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] })[3]).toBe('<pending>');
    expect(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '172.18.0.50' }] } })[3]).toBe('172.18.0.50');
    expect(svc({ type: 'ExternalName', externalName: 'db.example.com' }).slice(1, 4)).toEqual(['ExternalName', '<none>', 'db.example.com']);
  });
});

describe('Endpoints and EndpointSlice', () => {
  const ep = (subsets: unknown[]) => printerFor('Endpoints').cells(obj('Endpoints', { subsets }, 'api'), NOW)[1];
  const ports = [{ port: 8080 }];

  it('lists ready addresses with each port, and abbreviates after three', () => {
    expect(ep([{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.3' }], ports }])).toBe('10.244.1.5:8080,10.244.2.3:8080');
    const five = [1, 2, 3, 4, 5].map((n) => ({ ip: `10.244.1.${n}` }));
    expect(ep([{ addresses: five, ports }])).toBe('10.244.1.1:8080,10.244.1.2:8080,10.244.1.3:8080 + 2 more...');
  });

  it('says <none> without subsets and shows nothing when every address is not ready', () => {
    expect(ep([])).toBe('<none>');
    expect(ep([{ notReadyAddresses: [{ ip: '10.244.1.5' }], ports }])).toBe('');
  });

  it('prints a slice with its ports and every address', () => {
    const slice = obj(
      'EndpointSlice',
      {
        addressType: 'IPv4',
        ports: [{ name: '', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.244.1.5'], conditions: { ready: true } },
          { addresses: ['10.244.2.3'], conditions: { ready: false } },
        ],
      },
      'api-abcde',
    );
    expect(printerFor('EndpointSlice').cells(slice, NOW)).toEqual(['api-abcde', 'IPv4', '8080', '10.244.1.5,10.244.2.3', '3h']);
    expect(
      printerFor('EndpointSlice')
        .cells(obj('EndpointSlice', { addressType: 'IPv4', endpoints: [] }), NOW)
        .slice(2, 4),
    ).toEqual(['<unset>', '<unset>']);
  });
});

describe('workloads', () => {
  const template = {
    spec: {
      containers: [
        { name: 'api', image: 'agnhost:2.52' },
        { name: 'log', image: 'busybox' },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
  };
  const selector = { matchLabels: { app: 'api' } };

  it('Deployment: READY ready/desired, counters as numbers, containers, images and selector', () => {
    const d = obj('Deployment', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }, 'api');
    expect(printerFor('Deployment').cells(d, NOW)).toEqual(['api', '2/3', 3, 2, '3h', 'api,log', 'agnhost:2.52,busybox', 'app=api']);
  });

  it('ReplicaSet: desired, current and ready as numbers (0 when the status has none)', () => {
    const rs = obj('ReplicaSet', { spec: { replicas: 2, selector, template }, status: { replicas: 2 } }, 'api-7d4b9c');
    expect(printerFor('ReplicaSet').cells(rs, NOW)).toEqual(['api-7d4b9c', 2, 2, 0, '3h', 'api,log', 'agnhost:2.52,busybox', 'app=api']);
  });

  it('DaemonSet: its counters and the template node selector', () => {
    const ds = obj(
      'DaemonSet',
      {
        spec: { selector, template },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
      },
      'kube-proxy',
    );
    expect(printerFor('DaemonSet').cells(ds, NOW)).toEqual([
      'kube-proxy',
      3,
      3,
      2,
      3,
      2,
      'kubernetes.io/os=linux',
      '3h',
      'api,log',
      'agnhost:2.52,busybox',
      'app=api',
    ]);
  });
});

describe('config objects', () => {
  it('NetworkPolicy: the pod selector, <none> for every pod', () => {
    expect(printerFor('NetworkPolicy').cells(obj('NetworkPolicy', { spec: { podSelector: {} } }, 'deny-all'), NOW)).toEqual(['deny-all', '<none>', '3h']);
    expect(printerFor('NetworkPolicy').cells(obj('NetworkPolicy', { spec: { podSelector: { matchLabels: { app: 'web' } } } }, 'web'), NOW)[1]).toBe('app=web');
  });

  it('ConfigMap: the number of keys, binary ones included', () => {
    expect(printerFor('ConfigMap').cells(obj('ConfigMap', { data: { Corefile: '.:53 {}', a: 'b' }, binaryData: { c: 'AA==' } }, 'coredns'), NOW)).toEqual([
      'coredns',
      3,
      '3h',
    ]);
  });

  it('Namespace: its phase', () => {
    expect(printerFor('Namespace').cells(obj('Namespace', { status: { phase: 'Active' } }, 'shop'), NOW)).toEqual(['shop', 'Active', '3h']);
  });
});

describe('Node', () => {
  const node = (labels: Record<string, string>, fields: Record<string, unknown>) => ({
    ...obj('Node', fields, 'worker'),
    metadata: { name: 'worker', labels, creationTimestamp: CREATED },
  });
  const status = {
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'True' },
    ],
    addresses: [
      { type: 'Hostname', address: 'worker' },
      { type: 'InternalIP', address: '172.18.0.3' },
    ],
    nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.18' },
  };

  it('prints a ready control-plane node with its system info', () => {
    expect(printerFor('Node').cells(node({ 'node-role.kubernetes.io/control-plane': '' }, { status }), NOW)).toEqual([
      'worker',
      'Ready',
      'control-plane',
      '3h',
      'v1.32.0',
      '172.18.0.3',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0',
      'containerd://1.7.18',
    ]);
  });

  it('says NotReady, SchedulingDisabled, <none> roles and <unknown> info as kubectl does', () => {
    const cells = printerFor('Node').cells(node({}, { spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), NOW);
    expect(cells.slice(1, 3)).toEqual(['NotReady,SchedulingDisabled', '<none>']);
    expect(cells.slice(5)).toEqual(['<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
    expect(
      printerFor('Node')
        .cells(node({ 'kubernetes.io/role': 'ingress', 'node-role.kubernetes.io/worker': '' }, {}), NOW)
        .slice(1, 3),
    ).toEqual(['Unknown', 'ingress,worker']);
  });
});

describe('Event', () => {
  const event = (fields: Record<string, unknown>) => printerFor('Event').cells(obj('Event', fields, 'api-x.18a2b'), NOW);

  it('prints a repeated kubelet warning with its count and first/last seen', () => {
    expect(
      event({
        involvedObject: { kind: 'Pod', name: 'api-x', fieldPath: 'spec.containers{api}' },
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503\n',
        count: 12,
        firstTimestamp: '2026-12-07T19:50:00Z',
        lastTimestamp: '2026-12-07T19:59:50Z',
        source: { component: 'kubelet', host: 'worker' },
      }),
    ).toEqual([
      '10s',
      'Warning',
      'Unhealthy',
      'pod/api-x',
      'spec.containers{api}',
      'kubelet, worker',
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
      '10m',
      12,
      'api-x.18a2b',
    ]);
  });

  it('counts a singleton of the new API once and takes its times from eventTime and the series', () => {
    const cells = event({
      involvedObject: { kind: 'Deployment', name: 'api' },
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set api-7d4b9c from 0 to 2',
      eventTime: '2026-12-07T19:58:00.000000Z',
      reportingComponent: 'deployment-controller',
    });
    expect(cells).toEqual([
      '2m',
      'Normal',
      'ScalingReplicaSet',
      'deployment/api',
      '',
      'deployment-controller',
      'Scaled up replica set api-7d4b9c from 0 to 2',
      '2m',
      1,
      'api-x.18a2b',
    ]);
    const series = event({
      involvedObject: { kind: 'Pod', name: 'p' },
      eventTime: '2026-12-07T19:50:00.000000Z',
      series: { count: 4, lastObservedTime: '2026-12-07T19:59:00.000000Z' },
    });
    expect([series[0], series[7], series[8]]).toEqual(['60s', '10m', 4]);
  });
});
