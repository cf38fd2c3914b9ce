// The cluster's objects as the trace needs them: pods with their IP, node and
// veth, nodes with their address and podCIDR, and which pods a URL may end at.
import type { KubeObject, V1EndpointSlice, V1Service } from '../k8s/objects.js';
import { workloadOf } from '../k8s/pod-workload.js';
import { isReady } from '../k8s/ready.js';
import type { Protocol } from '../k8s/netpol/types.js';
import type { NamespaceRef, RouteEntry, TraceNode, TracePod } from './hops.js';
import { longestPrefixMatch } from './routes.js';

interface PodSpecLike {
  nodeName?: string;
  hostNetwork?: boolean;
  containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
}

function tracePod(pod: KubeObject, routes: Record<string, RouteEntry[]>): TracePod | undefined {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  if (!ip || spec.hostNetwork || !spec.nodeName) return undefined;
  const dev = longestPrefixMatch(routes[spec.nodeName] ?? [], ip)?.dev;
  return {
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    ip,
    node: spec.nodeName,
    labels: pod.metadata.labels ?? {},
    ports: (spec.containers ?? []).flatMap((c) =>
      (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol })),
    ),
    hostVeth: dev && dev !== 'eth0' ? dev : '',
    // The workload's name (a Deployment's, not its ReplicaSet's): `frontend-eth0` reads as on the lab's diagrams.
    short: workloadOf(pod)?.name ?? pod.metadata.name,
  };
}

export function parseRoutes(stdout: string): RouteEntry[] {
  try {
    const parsed = JSON.parse(stdout) as RouteEntry[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * The Services the URL's host can name, read the way the pod's resolver would
 * expand it (`api`, `api.shop`, `api.shop.svc.cluster.local`), or the one whose
 * ClusterIP it is. Used only to pick which pods to watch before the probe runs.
 */
export function candidateServices(host: string, sourceNamespace: string, services: V1Service[]): V1Service[] {
  const name = host
    .replace(/\.$/, '')
    .replace(/\.svc\.cluster\.local$/, '')
    .replace(/\.svc$/, '');
  const [svc, ns] = name.split('.');
  return services.filter((s) => s.spec?.clusterIP === host || (s.metadata?.name === svc && (s.metadata?.namespace ?? 'default') === (ns ?? sourceNamespace)));
}

/** The Services whose NodePort the URL names, when its host is a node (by name, as the lab's DNS answers it, or address). */
export function nodePortServices(host: string, port: number, nodes: TraceNode[], services: V1Service[]): V1Service[] {
  if (!nodes.some((n) => n.name === host.replace(/\.$/, '') || n.ip === host)) return [];
  return services.filter((s) => (s.spec?.ports ?? []).some((p) => p.nodePort === port));
}

export function endpointPods(services: V1Service[], slices: V1EndpointSlice[], pods: TracePod[]): TracePod[] {
  const out = new Map<string, TracePod>();
  for (const svc of services) {
    for (const slice of slices) {
      if (slice.metadata?.namespace !== svc.metadata?.namespace || slice.metadata?.labels?.['kubernetes.io/service-name'] !== svc.metadata?.name) continue;
      for (const ep of slice.endpoints ?? []) {
        const pod = pods.find((p) => p.ip === ep.addresses?.[0]);
        if (pod) out.set(`${pod.namespace}/${pod.name}`, pod);
      }
    }
  }
  return [...out.values()];
}

export function podWhere(pod: TracePod): NamespaceRef {
  return { namespace: pod.namespace, pod: pod.name };
}

/** Every pod with its own network namespace and an IP; the veth comes from the node's /32 route. */
export function tracePods(pods: KubeObject[], routes: Record<string, RouteEntry[]>): TracePod[] {
  return pods.flatMap((p) => tracePod(p, routes) ?? []);
}

export function traceNodes(nodes: KubeObject[]): TraceNode[] {
  return nodes.map((n) => {
    const addresses = (n.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? [];
    const podCIDR = (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
    return { name: n.metadata.name, ip: addresses.find((a) => a.type === 'InternalIP')?.address ?? '', ...(podCIDR ? { podCIDR } : {}) };
  });
}

export function uniquePods(pods: TracePod[]): TracePod[] {
  const seen = new Map<string, TracePod>();
  for (const p of pods) seen.set(`${p.namespace}/${p.name}`, p);
  return [...seen.values()];
}

/** Nodes where a kube-proxy pod (kube-system, k8s-app=kube-proxy) is Ready: elsewhere the rules are stale. */
export function kubeProxyNodes(pods: KubeObject[]): string[] {
  return pods
    .filter((p) => p.metadata.namespace === 'kube-system' && p.metadata.labels?.['k8s-app'] === 'kube-proxy')
    .filter(isReady)
    .flatMap((p) => ((p.spec as PodSpecLike | undefined)?.nodeName ? [(p.spec as PodSpecLike).nodeName!] : []));
}
