// A small cluster as kube-proxy on node "worker" would see it: a NodePort Service with two
// ready endpoints and one not ready, kube-dns with a UDP and a TCP named port, a Service
// with no endpoints, and a headless and an ExternalName Service that kube-proxy ignores.
import type { V1EndpointSlice, V1Service } from '../../../src/k8s/objects.js';
import type { KubeProxyInput } from '../../../src/k8s/kube-proxy/rules.js';

export function service(namespace: string, name: string, spec: V1Service['spec'], status?: V1Service['status']): V1Service {
  const svc: V1Service = { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
  if (status) svc.status = status;
  return svc;
}

interface EndpointSpec {
  ip: string;
  node: string;
  pod: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function slice(
  namespace: string,
  serviceName: string,
  ports: { name: string; port: number; protocol?: string }[],
  endpoints: EndpointSpec[],
): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name: `${serviceName}-abcde`, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((ep) => ({
      addresses: [ep.ip],
      conditions: { ready: ep.ready ?? true, serving: ep.serving ?? ep.ready ?? true, terminating: ep.terminating ?? false },
      nodeName: ep.node,
      targetRef: { kind: 'Pod', namespace, name: ep.pod },
    })),
  };
}

export function smallCluster(): KubeProxyInput {
  return {
    nodeName: 'worker',
    nodeIP: '172.18.0.3',
    clusterCIDR: '10.244.0.0/16',
    services: [
      service('shop', 'web', {
        type: 'NodePort',
        clusterIP: '10.96.100.10',
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'web-http', nodePort: 30080 }],
      }),
      service('kube-system', 'kube-dns', {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 'dns-tcp' },
        ],
      }),
      service('shop', 'db', { type: 'ClusterIP', clusterIP: '10.96.200.20', ports: [{ port: 5432, protocol: 'TCP' }] }),
      service('shop', 'headless', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }),
      service('shop', 'legacy', { type: 'ExternalName', externalName: 'legacy.example.com' }),
    ],
    endpointSlices: [
      slice(
        'shop',
        'web',
        [{ name: 'http', port: 8080 }],
        [
          { ip: '10.244.1.5', node: 'worker', pod: 'web-1' },
          { ip: '10.244.2.7', node: 'worker2', pod: 'web-2' },
          { ip: '10.244.1.9', node: 'worker', pod: 'web-3', ready: false },
        ],
      ),
      slice(
        'kube-system',
        'kube-dns',
        [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
        [{ ip: '10.244.0.3', node: 'control-plane', pod: 'coredns-7db6d8ff4d-abcde' }],
      ),
      slice('shop', 'db', [{ name: '', port: 5432 }], []),
    ],
    existingChains: { nat: [], filter: [] },
  };
}
