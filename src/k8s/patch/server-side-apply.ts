// Server-side apply (`kubectl apply --server-side`, Content-Type application/apply-patch+yaml),
// as far as the lab needs it: the applied configuration is merged into the live object
// with the schema's merge keys, and the fields a manager applied before but leaves out now
// are removed, from a managedFields entry (FieldsV1) kept per manager as kube-apiserver does.
// Changing a field another manager owns is a conflict (managed-fields.ts) unless forced.
import { ApiError } from '../api-status.js';
import { resolveSchema, type SchemaObject } from '../openapi/definitions.js';
import { applyConflicts, conflictMessage, type FieldSet, type ManagedFieldsEntry, releaseTo } from './managed-fields.js';
import { strategicMergePatch } from './strategic-merge.js';

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeKeyOf(schema: SchemaObject | undefined, key: string): string | undefined {
  const field = schema?.properties?.[key];
  return field?.['x-kubernetes-patch-strategy']?.split(',').includes('merge') ? field['x-kubernetes-patch-merge-key'] : undefined;
}

function childSchema(schema: SchemaObject | undefined, key: string): SchemaObject | undefined {
  return resolveSchema(schema?.properties?.[key] ?? schema?.additionalProperties);
}

/** The fields an applied configuration sets. */
export function fieldsOf(value: unknown, schema?: SchemaObject): FieldSet {
  const set: FieldSet = {};
  if (!isMap(value)) return set;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    const mergeKey = mergeKeyOf(schema, key);
    const sub = childSchema(schema, key);
    if (Array.isArray(child) && mergeKey) {
      const items: FieldSet = {};
      for (const item of child) {
        if (isMap(item) && item[mergeKey] !== undefined)
          items[`k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`] = { '.': {}, ...fieldsOf(item, resolveSchema(sub?.items)) };
      }
      set[`f:${key}`] = items;
    } else set[`f:${key}`] = isMap(child) ? fieldsOf(child, sub) : {};
  }
  return set;
}

/** Removes from `live` what `before` names and `after` does not: the fields a manager stopped applying. */
function prune(live: unknown, before: FieldSet, after: FieldSet, schema: SchemaObject | undefined): void {
  if (!isMap(live)) return;
  for (const [path, sub] of Object.entries(before)) {
    if (!path.startsWith('f:')) continue;
    const key = path.slice(2);
    if (!(path in after)) {
      delete live[key];
      continue;
    }
    const child = live[key];
    const mergeKey = mergeKeyOf(schema, key);
    const childSub = childSchema(schema, key);
    if (Array.isArray(child) && mergeKey) {
      const kept = child.filter((item) => {
        const id = isMap(item) ? `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}` : '';
        if (id in sub && !(id in after[path]!)) return false;
        if (id in sub) prune(item, sub[id]!, after[path]![id]!, resolveSchema(childSub?.items));
        return true;
      });
      live[key] = kept;
    } else prune(child, sub, after[path]!, childSub);
  }
}

/**
 * The object `applied` makes of `live` for `manager` (live undefined: the object is created). A field another
 * manager owns that the apply would change is a 409 Conflict in kube-apiserver's words; `force` takes it over.
 */
export function serverSideApply(live: Json | undefined, applied: Json, manager: string, schema?: SchemaObject, force = false): Json {
  const metadata = (live?.metadata ?? {}) as { managedFields?: ManagedFieldsEntry[] };
  let entries = metadata.managedFields ?? [];
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const fields = fieldsOf(applied, resolveSchema(schema));
  const merged = strategicMergePatch(live ?? {}, applied, schema) as Json;
  if (previous) prune(merged, previous.fieldsV1, fields, resolveSchema(schema));
  const conflicts = applyConflicts(entries, manager, fields, live, merged);
  if (conflicts.length && !force) {
    const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field }));
    throw new ApiError(409, 'Conflict', conflictMessage(conflicts), { causes });
  }
  if (force) entries = releaseTo(entries, manager, fields);
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: String(applied.apiVersion ?? ''),
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  };
  (merged.metadata as { managedFields?: ManagedFieldsEntry[] }).managedFields = [
    ...entries.filter((e) => e.manager !== manager || e.operation !== 'Apply'),
    entry,
  ];
  return merged;
}
