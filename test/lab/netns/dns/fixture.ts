// A small cluster as the lab's object store holds it, for the DNS tests.
import type { KubeObject } from '../../../../src/k8s/objects.js';
import type { StoreSnapshot } from '../../../../src/lab/netns/store-snapshot.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

const svc = (namespace: string, name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec,
});

interface Ep {
  ip: string;
  ready?: boolean;
  hostname?: string;
  pod?: string;
}

const slice = (namespace: string, service: string, endpoints: Ep[], ports: { name?: string; port: number; protocol?: string }[]): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-abcde`, namespace, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints: endpoints.map((e) => ({
    addresses: [e.ip],
    conditions: e.ready === undefined ? {} : { ready: e.ready },
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ...(e.pod ? { targetRef: { kind: 'Pod', namespace, name: e.pod } } : {}),
  })),
  ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
});

const pod = (namespace: string, name: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: {},
  status: { podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
});

export function fixtureSnapshot(): StoreSnapshot {
  return {
    resourceVersion: 42,
    objects: [
      ns('default'),
      ns('kube-system'),
      ns('shop'),
      ns('quiet'),
      svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
      svc('kube-system', 'kube-dns', {
        clusterIP: '10.96.0.10',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      }),
      svc('shop', 'api', {
        clusterIP: '10.96.10.10',
        clusterIPs: ['10.96.10.10'],
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
      }),
      slice(
        'shop',
        'api',
        [
          { ip: '10.244.1.5', ready: true, pod: 'api-1' },
          { ip: '10.244.2.6', pod: 'api-2' },
          { ip: '10.244.1.7', ready: false, pod: 'api-3' },
        ],
        [
          { name: 'http', port: 8080 },
          { name: 'metrics', port: 9090 },
        ],
      ),
      svc('shop', 'noeps', { clusterIP: '10.96.10.11', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
      svc('shop', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }),
      slice(
        'shop',
        'db',
        [
          { ip: '10.244.1.8', ready: true, hostname: 'db-0', pod: 'db-0' },
          { ip: '10.244.2.9', ready: true, hostname: 'db-1', pod: 'db-1' },
          { ip: '10.244.1.10', ready: false, hostname: 'db-2', pod: 'db-2' },
        ],
        [{ name: 'pg', port: 5432 }],
      ),
      svc('shop', 'drained', { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
      slice('shop', 'drained', [{ ip: '10.244.2.20', ready: false }], [{ name: 'http', port: 80 }]),
      svc('shop', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
      svc('shop', 'alias', { type: 'ExternalName', externalName: 'api.shop.svc.cluster.local' }),
      pod('shop', 'api-1', '10.244.1.5'),
      pod('shop', 'api-2', '10.244.2.6'),
      pod('shop', 'db-0', '10.244.1.8'),
    ],
  };
}
