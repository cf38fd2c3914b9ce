// The one list of printers, one per kind the lab serves, and the Table built from them.
import type { KubeObject } from '../objects.js';
import { configMapPrinter, namespacePrinter, networkPolicyPrinter } from './config-objects.js';
import { endpointSlicePrinter, endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './event.js';
import { nodePrinter } from './node.js';
import { podPrinter } from './pod.js';
import { servicePrinter } from './service.js';
import { column, NAME_COLUMN, type Printer, type Table, type TableRow } from './table.js';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter } from './workloads.js';

export const PRINTERS: readonly Printer[] = [
  podPrinter,
  servicePrinter,
  endpointsPrinter,
  endpointSlicePrinter,
  deploymentPrinter,
  replicaSetPrinter,
  daemonSetPrinter,
  configMapPrinter,
  namespacePrinter,
  networkPolicyPrinter,
  nodePrinter,
  eventPrinter,
];

/** kube-apiserver's default table for a kind without a printer: the name and the creation time (RFC 3339). */
const defaultPrinter = (kind: string): Printer => ({
  kind,
  columns: [NAME_COLUMN, column('Created At', 'CreationTimestamp is a timestamp representing the server time when this object was created.', { type: 'date' })],
  cells: (obj) => [
    obj.metadata.name,
    obj.metadata.creationTimestamp ? new Date(Math.floor(Date.parse(obj.metadata.creationTimestamp) / 1000) * 1000).toISOString().replace('.000Z', 'Z') : '',
  ],
});

export function printerFor(kind: string): Printer {
  return PRINTERS.find((p) => p.kind === kind) ?? defaultPrinter(kind);
}

/** What each row carries of its object: nothing, its metadata (kubectl's default: enough for -A, --show-labels, -L), or all of it. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** meta.k8s.io/v1 (kubectl 1.32 asks for it first) or meta.k8s.io/v1beta1. */
  apiVersion?: string;
  includeObject?: IncludeObject;
  /** Leaves out the column definitions: every watch event after the first. */
  noHeaders?: boolean;
  /** The list's resourceVersion (for one object, its own is used). */
  resourceVersion?: string;
  continue?: string;
  nowMs?: number;
}

function rowObject(obj: KubeObject, include: IncludeObject, apiVersion: string): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
}

/** The Table kube-apiserver answers a `get` or `list` of `kind` with, for `kubectl get` to print. */
export function toTable(kind: string, objects: KubeObject[], options: TableOptions = {}): Table {
  const printer = printerFor(kind);
  const apiVersion = options.apiVersion ?? 'meta.k8s.io/v1';
  const nowMs = options.nowMs ?? Date.now();
  const include = options.includeObject ?? 'Metadata';
  const rows = objects.map((obj): TableRow => {
    const conditions = printer.conditions?.(obj);
    const object = rowObject(obj, include, apiVersion);
    return { cells: printer.cells(obj, nowMs), ...(conditions ? { conditions } : {}), ...(object ? { object } : {}) };
  });
  const resourceVersion = options.resourceVersion ?? (objects.length === 1 ? objects[0]!.metadata.resourceVersion : undefined);
  return {
    kind: 'Table',
    apiVersion,
    metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(options.continue ? { continue: options.continue } : {}) },
    columnDefinitions: options.noHeaders ? [] : printer.columns,
    rows,
  };
}
