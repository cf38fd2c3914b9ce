// The meta.k8s.io Table that `kubectl get` asks for: column definitions and one
// row of cells per object, built by one printer per kind with the columns
// kube-apiserver prints (pkg/printers/internalversion). The server always sends
// the wide columns (priority 1); kubectl shows them only with `-o wide`.
import type { KubeObject } from '../objects.js';

export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type TableCell = string | number | boolean;

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  object?: Record<string, unknown>;
}

export interface Table {
  apiVersion: string;
  kind: 'Table';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a printer writes for one kind: its columns and each object's cells (and row conditions, for finished pods). */
export interface Printer {
  kind: string;
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, nowMs: number): TableCell[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

/** A column as the printers declare it: a name and a description, a string unless said otherwise, shown without -o wide. */
export function column(name: string, description: string, extra: Partial<TableColumnDefinition> = {}): TableColumnDefinition {
  return { name, type: 'string', format: '', description, priority: 0, ...extra };
}

/** A column kubectl shows only with `-o wide`. */
export function wideColumn(name: string, description: string): TableColumnDefinition {
  return column(name, description, { priority: 1 });
}

export const NAME_COLUMN = column(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request ' +
    'the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. ' +
    'Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  { format: 'name' },
);

export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in ' +
    'happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n' +
    'Populated by the system. Read-only. Null for lists. More info: ' +
    'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

export const CONTAINERS_COLUMN = wideColumn('Containers', 'Names of each container in the template.');
export const IMAGES_COLUMN = wideColumn('Images', 'Images referenced by each container in the template.');

interface ContainerLike {
  name?: string;
  image?: string;
}

/** The CONTAINERS and IMAGES cells of a workload: its template's containers, comma-separated. */
export function containerCells(containers: ContainerLike[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** A number field of a status, 0 when unset (Go's zero value). */
export function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
