// The endpoints controllers: from each Service's selector and its pods'
// readiness, write the EndpointSlice (what kube-proxy and DNS read) and the
// legacy Endpoints object (what `kubectl get endpoints` shows).
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../k8s/objects.js';
import type { ObjectStore } from '../store.js';
import { mapSelectorMatches } from '../service-selector.js';
import type { PodSpec } from './workloads.js';

interface ServiceSpec {
  selector?: Record<string, string>;
  clusterIP?: string;
  type?: string;
  ports?: { name?: string; port: number; protocol?: string; targetPort?: number | string }[];
}

export function isPodReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function podIP(pod: KubeObject): string | undefined {
  return (pod.status as { podIP?: string } | undefined)?.podIP;
}

function resolveTargetPort(pod: KubeObject, target: number | string | undefined, fallback: number): number | undefined {
  if (typeof target === 'number') return target;
  if (target === undefined) return fallback;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of (pod.spec as PodSpec).containers) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

/**
 * A pod's DNS hostname on a Service's endpoint: only when the pod names that
 * Service as its subdomain (spec.hostname + spec.subdomain), as the upstream
 * endpoint and EndpointSlice controllers set it. This is what gives a headless
 * Service's pod the record <hostname>.<subdomain>.<ns>.svc.<zone>.
 */
export function hostnameFor(pod: KubeObject, svc: KubeObject): { hostname?: string } {
  const spec = pod.spec as PodSpec;
  if (!spec.hostname || spec.subdomain !== svc.metadata.name || pod.metadata.namespace !== svc.metadata.namespace) return {};
  return { hostname: spec.hostname };
}

function desiredFor(store: ObjectStore, svc: KubeObject): { slice: KubeObject; endpoints: KubeObject } | undefined {
  const spec = svc.spec as ServiceSpec;
  if (!spec.selector || spec.type === 'ExternalName') return undefined;
  const ns = svc.metadata.namespace!;
  const pods = store.list('Pod', ns).filter((p) => mapSelectorMatches(spec.selector, p.metadata.labels) && podIP(p));
  const ports = (spec.ports ?? []).map((sp) => {
    const first = pods.find((p) => resolveTargetPort(p, sp.targetPort, sp.port) !== undefined);
    return { ...(sp.name ? { name: sp.name } : { name: '' }), protocol: sp.protocol ?? 'TCP', port: first ? resolveTargetPort(first, sp.targetPort, sp.port)! : (typeof sp.targetPort === 'number' ? sp.targetPort : sp.port) };
  });
  const usable = pods.filter((p) => (spec.ports ?? []).every((sp) => resolveTargetPort(p, sp.targetPort, sp.port) !== undefined));
  const owner = [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid!, controller: true }];
  const suffix = createHash('sha1').update(svc.metadata.uid ?? svc.metadata.name).digest('hex').slice(0, 5);
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc.metadata.name}-${suffix}`,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      ownerReferences: owner,
    },
    addressType: 'IPv4',
    endpoints: usable.map((p) => ({
      addresses: [podIP(p)!],
      conditions: { ready: isPodReady(p), serving: isPodReady(p), terminating: false },
      nodeName: (p.spec as PodSpec).nodeName,
      targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
      ...hostnameFor(p, svc),
    })),
    ports,
  };
  const address = (p: KubeObject) => ({
    ip: podIP(p)!,
    ...hostnameFor(p, svc),
    nodeName: (p.spec as PodSpec).nodeName,
    targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
  });
  const ready = usable.filter(isPodReady).map(address);
  const notReady = usable.filter((p) => !isPodReady(p)).map(address);
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: ns, labels: { ...svc.metadata.labels } },
    subsets:
      usable.length === 0
        ? []
        : [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol })) }],
  };
  return { slice, endpoints };
}

function sameContent(a: KubeObject | undefined, b: KubeObject): boolean {
  if (!a) return false;
  const strip = ({ metadata: _m, ...rest }: KubeObject) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b)) && JSON.stringify(a.metadata.labels) === JSON.stringify(b.metadata.labels);
}

/** One pass; returns true when it changed the store. */
export function reconcileEndpoints(store: ObjectStore): boolean {
  let changed = false;
  const wantedSlices = new Set<string>();
  const wantedEndpoints = new Set<string>();
  for (const svc of store.list('Service')) {
    const desired = desiredFor(store, svc);
    if (!desired) {
      // Without a selector the Endpoints are the user's to write, as upstream: keep them.
      wantedEndpoints.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
      continue;
    }
    for (const obj of [desired.slice, desired.endpoints]) {
      (obj.kind === 'EndpointSlice' ? wantedSlices : wantedEndpoints).add(`${obj.metadata.namespace}/${obj.metadata.name}`);
      const current = store.get({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
      if (!sameContent(current, obj)) {
        store.put(obj);
        changed = true;
      }
    }
  }
  for (const kind of ['EndpointSlice', 'Endpoints'] as const) {
    const wanted = kind === 'EndpointSlice' ? wantedSlices : wantedEndpoints;
    for (const obj of store.list(kind)) {
      const managed = kind === 'Endpoints' || obj.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io';
      if (managed && !wanted.has(`${obj.metadata.namespace}/${obj.metadata.name}`)) {
        store.delete({ kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
        changed = true;
      }
    }
  }
  return changed;
}
