// `kubectl get services`: TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as kube-apiserver prints them.
import { timestampSince } from './human-duration.js';
import { formatLabels } from './label-selector.js';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wideColumn } from './table.js';

interface ServiceShape {
  spec?: {
    type?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    selector?: Record<string, string>;
    ports?: { port: number; nodePort?: number; protocol?: string }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** `80/TCP,443:30443/TCP`: each port, with its node port when it has one. */
export function portsString(ports: NonNullable<ServiceShape['spec']>['ports']): string {
  return (ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

/** The EXTERNAL-IP cell: external IPs, a load balancer's ingress ("<pending>" until it has one), or an ExternalName's target. */
export function externalIP(svc: ServiceShape): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      // The server prints wide, so the ingress list is never cut short.
      const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  kind: 'Service',
  columns: [
    NAME_COLUMN,
    column('Type', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'The list of ports that are exposed by this service.'),
    AGE_COLUMN,
    wideColumn('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  cells(obj, nowMs) {
    const svc = obj as unknown as ServiceShape;
    const spec = svc.spec ?? {};
    return [
      obj.metadata.name,
      spec.type ?? '',
      spec.clusterIPs?.[0] || '<none>',
      externalIP(svc),
      portsString(spec.ports) || '<none>',
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      formatLabels(spec.selector),
    ];
  },
};
