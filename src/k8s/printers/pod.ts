// `kubectl get pods`: READY, STATUS and RESTARTS computed as kube-apiserver's printPod does,
// so a crash-looping, initialising or terminating pod reads as it does on a cluster.
import type { KubeObject } from '../objects.js';
import { timestampSince } from './human-duration.js';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, type TableRowCondition, wideColumn } from './table.js';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodShape {
  metadata: KubeObject['metadata'] & { deletionTimestamp?: string };
  spec?: {
    nodeName?: string;
    containers?: { name: string }[];
    initContainers?: { name: string; restartPolicy?: string }[];
    readinessGates?: { conditionType: string }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    nominatedNodeName?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

/** The last time a container ended before its current run, in ms since the epoch; 0 when it never did. */
function lastTermination(status: ContainerStatus): number {
  const finished = status.lastState?.terminated?.finishedAt;
  return finished ? Date.parse(finished) : 0;
}

function terminatedReason(prefix: string, terminated: NonNullable<ContainerState['terminated']>): string {
  if (terminated.reason) return `${prefix}${terminated.reason}`;
  if (terminated.signal) return `${prefix}Signal:${terminated.signal}`;
  return `${prefix}ExitCode:${terminated.exitCode ?? 0}`;
}

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of one pod, by the rules of kube-apiserver's printPod. */
export function summarizePod(pod: PodShape, nowMs: number): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const restartable = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (spec.containers ?? []).length + restartable.size;
  let readyCount = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let reason = status.reason || status.phase || '';
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (const [i, container] of inits.entries()) {
    restarts += container.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, lastTermination(container));
    const sidecar = restartable.has(container.name);
    if (sidecar) {
      sidecarRestarts += container.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, lastTermination(container));
    }
    const state = container.state ?? {};
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && container.started) {
      if (container.ready) readyCount++;
      continue;
    }
    initializing = true;
    if (state.terminated) reason = terminatedReason('Init:', state.terminated);
    else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') reason = `Init:${state.waiting.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    break;
  }

  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const containers = status.containerStatuses ?? [];
    // Backwards, as upstream: the first container's state has the last word.
    for (let i = containers.length - 1; i >= 0; i--) {
      const container = containers[i]!;
      const state = container.state ?? {};
      restarts += container.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, lastTermination(container));
      if (state.waiting?.reason) reason = state.waiting.reason;
      else if (state.terminated) reason = terminatedReason('', state.terminated);
      else if (container.ready && state.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${timestampSince(new Date(lastRestart).toISOString(), nowMs)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartText };
}

function readinessGates(pod: PodShape): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const passing = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${passing}/${gates.length}`;
}

export const podPrinter: Printer = {
  kind: 'Pod',
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    wideColumn('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    wideColumn('Node', 'NodeName indicates in which node this pod is scheduled.'),
    wideColumn('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wideColumn('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  cells(obj, nowMs) {
    const pod = obj as unknown as PodShape;
    const { ready, status, restarts } = summarizePod(pod, nowMs);
    return [
      obj.metadata.name,
      ready,
      status,
      restarts,
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      pod.status?.podIPs?.[0]?.ip || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(obj): TableRowCondition[] | undefined {
    const phase = (obj as unknown as PodShape).status?.phase;
    if (phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
    if (phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
};
