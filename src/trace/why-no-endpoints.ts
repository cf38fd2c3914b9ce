// Why a Service has no endpoints, told from the objects as the endpoints
// controller would see them: its selector matches no pod (a typo, a label
// clean-up), the workload that should run those pods is scaled to zero, or the
// pods exist and none is Ready (a readiness probe that never passes). The
// answer names the object to change, which is not always the Service.
import type { KubeObject, V1Service } from '../k8s/objects.js';
import { isReady } from '../k8s/ready.js';
import type { HopObject } from './hops.js';
import { workloadOf, type WorkloadRef } from '../k8s/pod-workload.js';

export interface NoEndpointsReason {
  blame: HopObject;
  /** Completes "Service ns/name has no endpoints: …". */
  why: string;
}

interface ProbeSpec {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
}

interface PodSpecLike {
  containers?: { name?: string; readinessProbe?: ProbeSpec; ports?: { name?: string; containerPort: number }[] }[];
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function labelText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function describeProbe(probe: ProbeSpec): string {
  if (probe.httpGet) return `readinessProbe GET ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port ?? '?'}`;
  if (probe.tcpSocket) return `readinessProbe tcp port ${probe.tcpSocket.port ?? '?'}`;
  if (probe.exec) return `readinessProbe exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'readinessProbe';
}

function readinessProbes(pod: KubeObject): string[] {
  return ((pod.spec as PodSpecLike | undefined)?.containers ?? []).flatMap((c) => (c.readinessProbe ? [describeProbe(c.readinessProbe)] : []));
}

function replicasOf(deployment: KubeObject): number {
  return (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

function templateLabels(deployment: KubeObject): Record<string, string> {
  return (deployment.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
}

/** Why `service` has no endpoints. `pods` are every pod of the cluster (running or not), `deployments` every Deployment. */
export function whyNoEndpoints(service: V1Service, pods: KubeObject[], deployments: KubeObject[]): NoEndpointsReason {
  const namespace = service.metadata?.namespace ?? 'default';
  const name = service.metadata?.name ?? '';
  const selector = service.spec?.selector ?? {};
  const serviceBlame = (detail: string): HopObject => ({ kind: 'Service', namespace, name, detail });
  if (Object.keys(selector).length === 0) {
    return { blame: serviceBlame('no selector'), why: 'it has no selector, so its endpoints are whatever was written by hand, and nothing was' };
  }
  const inNamespace = pods.filter((p) => (p.metadata.namespace ?? 'default') === namespace);
  const selected = inNamespace.filter((p) => selects(selector, p.metadata.labels));
  if (selected.length > 0) {
    const owners = new Map<string, WorkloadRef>();
    for (const w of selected.map(workloadOf)) if (w) owners.set(`${w.kind}/${w.name}`, w);
    const owner = owners.size === 1 ? [...owners.values()][0] : undefined;
    const ready = selected.filter(isReady);
    const count = `${selected.length} pod${selected.length === 1 ? '' : 's'}${owner ? ` of ${owner.kind} ${owner.namespace}/${owner.name}` : ''}`;
    if (ready.length === 0) {
      const probes = [...new Set(selected.flatMap(readinessProbes))];
      const why = `its selector ${labelText(selector)} matches ${count}, and none of them is Ready${probes.length ? ` (${probes.join('; ')} does not pass)` : ''}`;
      if (owner) return { blame: { kind: owner.kind, namespace: owner.namespace, name: owner.name, detail: 'no pod Ready' }, why };
      return { blame: { kind: 'Pod', namespace, name: selected[0]!.metadata.name, detail: 'not Ready' }, why };
    }
    // Ready pods and still no endpoint: the Service's targetPort names a port no container declares.
    const named = (service.spec?.ports ?? []).map((p) => p.targetPort).filter((t): t is string => typeof t === 'string' && !/^\d+$/.test(t));
    const declared = new Set(
      ready.flatMap((p) => ((p.spec as PodSpecLike | undefined)?.containers ?? []).flatMap((c) => (c.ports ?? []).map((port) => port.name))),
    );
    const missing = named.find((t) => !declared.has(t));
    if (missing) {
      return {
        blame: serviceBlame(`targetPort ${missing}`),
        why: `its targetPort "${missing}" names no container port of the ${count} it selects, so none can be an endpoint`,
      };
    }
    return {
      blame: serviceBlame('no endpoints'),
      why: `its selector matches ${count} and ${ready.length} of them are Ready; the endpoints have not caught up yet`,
    };
  }
  // No pod carries the labels: the Deployment meant to run them may be scaled to zero.
  const meant = deployments.filter((w) => (w.metadata.namespace ?? 'default') === namespace && selects(selector, templateLabels(w)));
  const scaledDown = meant.find((w) => replicasOf(w) === 0);
  if (scaledDown) {
    return {
      blame: { kind: 'Deployment', namespace, name: scaledDown.metadata.name, detail: 'scaled to 0 replicas' },
      why: `its selector ${labelText(selector)} matches the pods of Deployment ${namespace}/${scaledDown.metadata.name}, which is scaled to 0 replicas`,
    };
  }
  if (meant.length > 0) {
    const w = meant[0]!;
    return {
      blame: { kind: 'Deployment', namespace, name: w.metadata.name, detail: 'no pods' },
      why: `Deployment ${namespace}/${w.metadata.name} (${replicasOf(w)} replicas) has no pods yet`,
    };
  }
  // A near miss: pods that share the selector's keys but not its values (app=api vs app=api-v2).
  const keys = Object.keys(selector);
  const near = [
    ...new Set(
      inNamespace
        .filter((p) => keys.every((k) => p.metadata.labels?.[k] !== undefined))
        .map((p) => labelText(Object.fromEntries(keys.map((k) => [k, p.metadata.labels![k]!])))),
    ),
  ];
  return {
    blame: serviceBlame(`selector ${labelText(selector)} matches no pod`),
    why: `its selector ${labelText(selector)} matches no pod in namespace ${namespace}${near.length ? ` (the pods there are labelled ${near.slice(0, 3).join(', ')})` : ''}`,
  };
}
