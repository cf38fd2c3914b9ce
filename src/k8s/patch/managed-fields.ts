// Field ownership as kube-apiserver keeps it in metadata.managedFields: every write records
// the fields it changed for its field manager (an Update entry, taking them from whoever had
// them), and a server-side apply that would change a field another manager owns fails with
// the conflict, unless forced (`kubectl apply --server-side --force-conflicts`), which takes it.
import { resolveSchema, type SchemaObject } from '../openapi/definitions.js';

/** FieldsV1: `f:<field>` for a map key, `k:{"name":"x"}` for an element of a keyed list, `.` for the element itself. */
export type FieldSet = { [path: string]: FieldSet };

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
  subresource?: string;
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The object's identity and the server's own bookkeeping, which no manager owns. */
const NOT_OWNED = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp']);

function mergeKeyOf(schema: SchemaObject | undefined, key: string): string | undefined {
  const field = schema?.properties?.[key];
  return field?.['x-kubernetes-patch-strategy']?.split(',').includes('merge') ? field['x-kubernetes-patch-merge-key'] : undefined;
}

function childSchema(schema: SchemaObject | undefined, key: string): SchemaObject | undefined {
  return resolveSchema(schema?.properties?.[key] ?? schema?.additionalProperties);
}

const itemKey = (mergeKey: string, item: Json) => `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;

/** The fields `after` sets differently from `before` (all of them when before is undefined): what an update changed. */
export function changedFields(before: unknown, after: unknown, schema?: SchemaObject, top = true): FieldSet {
  const set: FieldSet = {};
  if (!isMap(after)) return set;
  const old = isMap(before) ? before : {};
  for (const [key, value] of Object.entries(after)) {
    if (top && (key === 'apiVersion' || key === 'kind' || key === 'status')) continue;
    const sub = childSchema(schema, key);
    const mergeKey = mergeKeyOf(schema, key);
    let fields: FieldSet | undefined;
    if (Array.isArray(value) && mergeKey) {
      const previous = Array.isArray(old[key]) ? (old[key] as unknown[]).filter(isMap) : [];
      const items: FieldSet = {};
      for (const item of value.filter(isMap)) {
        const id = itemKey(mergeKey, item);
        const was = previous.find((p) => itemKey(mergeKey, p) === id);
        const inner = changedFields(was, item, resolveSchema(sub?.items), false);
        if (!was) items[id] = { '.': {}, ...inner };
        else if (Object.keys(inner).length) items[id] = inner;
      }
      if (Object.keys(items).length) fields = items;
    } else if (isMap(value)) {
      const inner = changedFields(old[key], value, sub, false);
      const metadataBookkeeping = top && key === 'metadata';
      if (metadataBookkeeping) for (const k of NOT_OWNED) delete inner[`f:${k}`];
      if (Object.keys(inner).length || (!(key in old) && !metadataBookkeeping)) fields = inner;
    } else if (JSON.stringify(value) !== JSON.stringify(old[key])) fields = {};
    if (fields) set[`f:${key}`] = fields;
  }
  return set;
}

/** Every leaf of a field set as its path of `f:`/`k:` segments ('.' marks a list element itself, not a field). */
function leaves(set: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [segment, sub] of Object.entries(set)) {
    if (segment === '.') continue;
    const path = [...prefix, segment];
    const children = Object.keys(sub).filter((k) => k !== '.');
    if (children.length === 0) out.push(path);
    else out.push(...leaves(sub, path));
  }
  return out;
}

function without(set: FieldSet, remove: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const [segment, sub] of Object.entries(set)) {
    if (!(segment in remove)) out[segment] = sub;
    else if (Object.keys(remove[segment]!).length === 0) continue;
    else {
      const rest = without(sub, remove[segment]!);
      if (Object.keys(rest).some((k) => k !== '.')) out[segment] = rest;
    }
  }
  return out;
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [segment, sub] of Object.entries(b)) out[segment] = segment in out ? union(out[segment]!, sub) : sub;
  return out;
}

function entry(manager: string, operation: 'Apply' | 'Update', apiVersion: string, fieldsV1: FieldSet, subresource?: string): ManagedFieldsEntry {
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1, ...(subresource ? { subresource } : {}) };
}

/** Gives `changed` to the manager of an update, taking those fields from every other entry (entries left empty go). */
export function recordUpdate(
  entries: ManagedFieldsEntry[],
  manager: string,
  apiVersion: string,
  changed: FieldSet,
  subresource?: string,
): ManagedFieldsEntry[] {
  if (Object.keys(changed).length === 0) return entries;
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource;
  const own = entries.find(mine);
  const others = entries
    .filter((e) => !mine(e))
    .map((e) => ({ ...e, fieldsV1: without(e.fieldsV1, changed) }))
    .filter((e) => Object.keys(e.fieldsV1).length > 0);
  return [...others, entry(manager, 'Update', apiVersion, own ? union(own.fieldsV1, changed) : changed, subresource)];
}

/** The value at a leaf path in an object, following `k:` segments into keyed lists. */
function valueAt(obj: unknown, path: string[]): unknown {
  let here: unknown = obj;
  for (const segment of path) {
    if (segment.startsWith('f:')) here = isMap(here) ? here[segment.slice(2)] : undefined;
    else if (segment.startsWith('k:')) {
      const key = JSON.parse(segment.slice(2)) as Json;
      here = Array.isArray(here) ? here.find((item) => isMap(item) && Object.entries(key).every(([k, v]) => item[k] === v)) : undefined;
    }
  }
  return here;
}

/** A field path as kube-apiserver prints it: `.spec.replicas`, `.spec.template.spec.containers[name="web"].image`. */
function pathText(path: string[]): string {
  return path
    .map((segment) => {
      if (segment.startsWith('f:')) return `.${segment.slice(2)}`;
      const key = JSON.parse(segment.slice(2)) as Json;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** How a conflict names the manager: `"kubectl-client-side-apply" using apps/v1` for an update, `"kubectl"` for an apply. */
function managerText(e: ManagedFieldsEntry): string {
  const name = `${JSON.stringify(e.manager)}${e.subresource ? ` with subresource ${JSON.stringify(e.subresource)}` : ''}`;
  return e.operation === 'Update' ? `${name} using ${e.apiVersion}` : name;
}

export interface FieldConflict {
  manager: string;
  field: string;
}

/** The fields an apply by `manager` would change that another manager owns: live and applied values differ. */
export function applyConflicts(entries: ManagedFieldsEntry[], manager: string, applied: FieldSet, live: unknown, merged: unknown): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  const wanted = new Set(leaves(applied).map((p) => JSON.stringify(p)));
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    for (const path of leaves(e.fieldsV1)) {
      if (!wanted.has(JSON.stringify(path))) continue;
      if (JSON.stringify(valueAt(live, path)) === JSON.stringify(valueAt(merged, path))) continue;
      conflicts.push({ manager: managerText(e), field: pathText(path) });
    }
  }
  return conflicts.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** kube-apiserver's words for them: one conflict on one line, several grouped by manager. */
export function conflictMessage(conflicts: FieldConflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${conflicts[0]!.manager}: ${conflicts[0]!.field}`;
  const managers = [...new Set(conflicts.map((c) => c.manager))].sort();
  const lines = managers.flatMap((m) => [`conflicts with ${m}:`, ...conflicts.filter((c) => c.manager === m).map((c) => `- ${c.field}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** Takes the applied fields away from every other manager: what --force-conflicts does. */
export function releaseTo(entries: ManagedFieldsEntry[], manager: string, applied: FieldSet): ManagedFieldsEntry[] {
  return entries
    .map((e) => (e.manager === manager && e.operation === 'Apply' ? e : { ...e, fieldsV1: without(e.fieldsV1, applied) }))
    .filter((e) => Object.keys(e.fieldsV1).length > 0);
}
