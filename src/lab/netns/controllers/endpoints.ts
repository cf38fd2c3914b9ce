// The endpoints controllers: from each Service's selector and its pods'
// readiness, write the EndpointSlice (what kube-proxy and DNS read) and the
// legacy Endpoints object (what `kubectl get endpoints` shows).
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../k8s/objects.js';
import { isReady } from '../../../k8s/ready.js';
import type { ObjectStore } from '../store.js';
import { mapSelectorMatches } from '../service-selector.js';
import type { PodSpec } from './workloads.js';

interface ServiceSpec {
  selector?: Record<string, string>;
  clusterIP?: string;
  type?: string;
  ports?: { name?: string; port: number; protocol?: string; targetPort?: number | string }[];
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

interface EndpointPort {
  name: string;
  protocol: string;
  port: number;
}

/**
 * The Service ports one pod can serve, as upstream's getEndpointPorts finds them: a port whose
 * named targetPort the pod does not declare is skipped for that pod, not for the Service.
 */
function endpointPorts(pod: KubeObject, ports: NonNullable<ServiceSpec['ports']>): EndpointPort[] {
  return ports.flatMap((sp) => {
    const port = resolveTargetPort(pod, sp.targetPort, sp.port);
    return port === undefined ? [] : [{ name: sp.name ?? '', protocol: sp.protocol ?? 'TCP', port }];
  });
}

function desiredFor(store: ObjectStore, svc: KubeObject): { slices: KubeObject[]; endpoints: KubeObject } | undefined {
  const spec = svc.spec as ServiceSpec;
  if (!spec.selector || spec.type === 'ExternalName') return undefined;
  const ns = svc.metadata.namespace!;
  const servicePorts = spec.ports ?? [];
  const pods = store.list('Pod', ns).filter((p) => mapSelectorMatches(spec.selector, p.metadata.labels) && podIP(p));
  // Upstream's EndpointSlice reconciler groups pods by the port set they serve: one slice per set, so
  // a pod that declares none of the named target ports still has an endpoint, in a slice without ports.
  const groups = new Map<string, { ports: EndpointPort[]; pods: KubeObject[] }>();
  for (const pod of pods) {
    const ports = endpointPorts(pod, servicePorts);
    const key = JSON.stringify(ports);
    if (!groups.has(key)) groups.set(key, { ports, pods: [] });
    groups.get(key)!.pods.push(pod);
  }
  if (groups.size === 0) {
    // No pod at all: one empty slice that still names the ports the Service would use.
    const ports = servicePorts.map((sp) => ({
      name: sp.name ?? '',
      protocol: sp.protocol ?? 'TCP',
      port: typeof sp.targetPort === 'number' ? sp.targetPort : sp.port,
    }));
    groups.set(JSON.stringify(ports), { ports, pods: [] });
  }
  const owner = [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid!, controller: true }];
  const slices = [...groups.entries()].map(
    ([key, group]): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${svc.metadata.name}-${createHash('sha1')
          .update(`${svc.metadata.uid ?? svc.metadata.name}/${key}`)
          .digest('hex')
          .slice(0, 5)}`,
        namespace: ns,
        labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: owner,
      },
      addressType: 'IPv4',
      endpoints: group.pods.map((p) => ({
        addresses: [podIP(p)!],
        conditions: { ready: isReady(p), serving: isReady(p), terminating: false },
        nodeName: (p.spec as PodSpec).nodeName,
        targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
        ...hostnameFor(p, svc),
      })),
      ports: group.ports,
    }),
  );
  const address = (p: KubeObject) => ({
    ip: podIP(p)!,
    ...hostnameFor(p, svc),
    nodeName: (p.spec as PodSpec).nodeName,
    targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
  });
  // The Endpoints controller skips a pod for each port it cannot resolve, so a pod with none is in no subset.
  const subsets = [...groups.values()]
    .filter((group) => group.ports.length > 0 && group.pods.length > 0)
    .map((group) => {
      const ready = group.pods.filter(isReady).map(address);
      const notReady = group.pods.filter((p) => !isReady(p)).map(address);
      const ports = group.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol }));
      return { ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports };
    });
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: ns, labels: { ...svc.metadata.labels } },
    subsets,
  };
  return { slices, endpoints };
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
    for (const obj of [...desired.slices, desired.endpoints]) {
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
