// `kubectl get deployments, replicasets, daemonsets`: the status counters as kube-apiserver prints them,
// with the template's containers, images and the selector after the bar (`-o wide`).
import type { KubeObject } from '../objects.js';
import { timestampSince } from './human-duration.js';
import { formatLabels, type LabelSelector, selectorString } from './label-selector.js';
import { AGE_COLUMN, CONTAINERS_COLUMN, column, containerCells, count, IMAGES_COLUMN, NAME_COLUMN, type Printer, type TableCell, wideColumn } from './table.js';

interface WorkloadShape {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: { spec?: { containers?: { name?: string; image?: string }[]; nodeSelector?: Record<string, string> } };
  };
  status?: Record<string, unknown>;
}

const SELECTOR_COLUMN = wideColumn(
  'Selector',
  'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
);

function wideCells(w: WorkloadShape): TableCell[] {
  return [...containerCells(w.spec?.template?.spec?.containers), selectorString(w.spec?.selector)];
}

function shape(obj: KubeObject): WorkloadShape {
  return obj as unknown as WorkloadShape;
}

export const deploymentPrinter: Printer = {
  kind: 'Deployment',
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells(obj, nowMs) {
    const d = shape(obj);
    const status = d.status ?? {};
    return [
      obj.metadata.name,
      `${count(status.readyReplicas)}/${count(d.spec?.replicas)}`,
      count(status.updatedReplicas),
      count(status.availableReplicas),
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      ...wideCells(d),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  kind: 'ReplicaSet',
  columns: [
    NAME_COLUMN,
    column('Desired', 'Replicas is the number of desired pods.', { type: 'integer' }),
    column('Current', 'Replicas is the most recently observed number of non-terminating pods.', { type: 'integer' }),
    column('Ready', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.', { type: 'integer' }),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wideColumn('Selector', 'Selector is a label query over pods that should match the replica count.'),
  ],
  cells(obj, nowMs) {
    const rs = shape(obj);
    const status = rs.status ?? {};
    return [
      obj.metadata.name,
      count(rs.spec?.replicas),
      count(status.replicas),
      count(status.readyReplicas),
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      ...wideCells(rs),
    ];
  },
};

export const daemonSetPrinter: Printer = {
  kind: 'DaemonSet',
  columns: [
    NAME_COLUMN,
    column('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    column('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', {
      type: 'integer',
    }),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', {
      type: 'integer',
    }),
    column('Node Selector', "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wideColumn('Selector', 'A label query over pods that are managed by the daemon set.'),
  ],
  cells(obj, nowMs) {
    const ds = shape(obj);
    const status = ds.status ?? {};
    return [
      obj.metadata.name,
      count(status.desiredNumberScheduled),
      count(status.currentNumberScheduled),
      count(status.numberReady),
      count(status.updatedNumberScheduled),
      count(status.numberAvailable),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      ...wideCells(ds),
    ];
  },
};
