// Why a DNS Service has no endpoints when its CoreDNS pods crash-loop: the pods
// exist and restart, and the Corefile sends their queries back to themselves (the
// loop plugin stops each at start). The object to change is then the Corefile's
// ConfigMap, not the Deployment whose pods are never Ready.
import { forwardLoop } from '../k8s/dns/corefile-loop.js';
import type { KubeObject, V1Service } from '../k8s/objects.js';
import { isReady } from '../k8s/ready.js';
import type { NoEndpointsReason } from './why-no-endpoints.js';

interface ContainerStatusLike {
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
}

function crashLooping(pod: KubeObject): boolean {
  const statuses = (pod.status as { containerStatuses?: ContainerStatusLike[] } | undefined)?.containerStatuses ?? [];
  return statuses.some((c) => (c.restartCount ?? 0) > 0 || c.state?.waiting?.reason === 'CrashLoopBackOff');
}

function runsCoreDns(pod: KubeObject): boolean {
  return ((pod.spec as { containers?: { image?: string }[] } | undefined)?.containers ?? []).some((c) => /coredns/.test(c.image ?? ''));
}

/** The Corefile's loop, when `service` selects CoreDNS pods in kube-system that all crash-loop; undefined otherwise. */
export function crashLoopingDns(service: V1Service, pods: KubeObject[], corefile: string | undefined): NoEndpointsReason | undefined {
  const namespace = service.metadata?.namespace;
  const selector = Object.entries(service.spec?.selector ?? {});
  if (namespace !== 'kube-system' || corefile === undefined || selector.length === 0) return undefined;
  const selected = pods.filter((p) => p.metadata.namespace === namespace && selector.every(([k, v]) => p.metadata.labels?.[k] === v));
  if (selected.length === 0 || selected.some(isReady) || !selected.every((p) => runsCoreDns(p) && crashLooping(p))) return undefined;
  const loop = forwardLoop(corefile);
  if (!loop) return undefined;
  const count = `${selected.length} CoreDNS pod${selected.length === 1 ? '' : 's'}`;
  return {
    blame: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', detail: `Corefile: ${loop.detail}` },
    why: `its ${count} crash-loop (CrashLoopBackOff): ${loop.why} (ConfigMap kube-system/coredns)`,
  };
}
