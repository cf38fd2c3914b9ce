// Strategic merge patch (Content-Type application/strategic-merge-patch+json) as
// kube-apiserver applies it (k8s.io/apimachinery/pkg/util/strategicpatch, with
// MergeParallelList and IgnoreUnmatchedNulls on): a list whose schema declares
// `x-kubernetes-patch-strategy: merge` is merged element by element (by its
// `x-kubernetes-patch-merge-key` for objects), any other list is replaced, and
// the directives kubectl writes are honoured: `$patch: replace|delete`,
// `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`.
// kubectl apply (client-side) and kubectl patch send exactly this.
import { resolveSchema, type SchemaObject } from '../openapi/definitions.js';

type Json = null | boolean | number | string | Json[] | JsonMap;
type JsonMap = { [key: string]: Json };

/** A patch kube-apiserver would refuse; `code` is the HTTP status it answers with (400 or 422). */
export class StrategicMergePatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422 = 400,
  ) {
    super(message);
  }
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/**
 * The object `patch` makes of `original`, following `schema` (the kind's OpenAPI definition;
 * without one every list is replaced, as for a type the server knows nothing about).
 * Neither argument is changed.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema?: SchemaObject): unknown {
  if (!isMap(patch)) throw new StrategicMergePatchError('invalid JSON document: a strategic merge patch must be a JSON object');
  const base = isMap(original) ? (structuredClone(original) as JsonMap) : {};
  return mergeMap(base, structuredClone(patch) as JsonMap, resolveSchema(schema));
}

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ListMeta {
  strategy: 'merge' | 'replace';
  mergeKey?: string;
  items?: SchemaObject;
}

function fieldSchema(schema: SchemaObject | undefined, key: string): SchemaObject | undefined {
  if (!schema) return undefined;
  return resolveSchema(schema.properties?.[key] ?? schema.additionalProperties);
}

function listMeta(schema: SchemaObject | undefined, key: string): ListMeta {
  const field = schema?.properties?.[key] ?? schema?.additionalProperties;
  const strategies = (field?.['x-kubernetes-patch-strategy'] ?? '').split(',');
  return {
    strategy: strategies.includes('merge') ? 'merge' : 'replace',
    mergeKey: field?.['x-kubernetes-patch-merge-key'],
    items: resolveSchema(field?.items),
  };
}

function mergeMap(original: JsonMap, patch: JsonMap, schema: SchemaObject | undefined): JsonMap {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return dropNulls(patch) as JsonMap;
    }
    if (directive === 'delete') return {};
    throw new StrategicMergePatchError(`Unexpected kind of patch: ${JSON.stringify(directive)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);
  for (const [rawKey, patchValue] of Object.entries(patch)) {
    const deleteList = rawKey.startsWith(DELETE_FROM);
    const key = deleteList ? rawKey.slice(DELETE_FROM.length) : rawKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const originalValue = original[key];
    if (originalValue === undefined) {
      // Not in the original: take the patch's value, with its directives applied to nothing.
      if (!deleteList) original[key] = mergeValue(undefined, patchValue, schema, key);
      continue;
    }
    if (kindOf(originalValue) !== kindOf(patchValue)) {
      if (!deleteList) original[key] = dropNulls(patchValue);
      continue;
    }
    original[key] = mergeValue(originalValue, patchValue, schema, key, deleteList);
  }
  return original;
}

function kindOf(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function mergeValue(originalValue: Json | undefined, patchValue: Json, schema: SchemaObject | undefined, key: string, deleteList = false): Json {
  if (isMap(patchValue)) return mergeMap(isMap(originalValue) ? originalValue : {}, patchValue, fieldSchema(schema, key));
  if (Array.isArray(patchValue)) {
    const meta = listMeta(schema, key);
    const base = Array.isArray(originalValue) ? originalValue : [];
    if (meta.strategy !== 'merge') return dropNulls(patchValue);
    return mergeList(base, patchValue, meta, deleteList);
  }
  return patchValue;
}

function mergeList(original: Json[], patch: Json[], meta: ListMeta, deleteList: boolean): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const ofMaps = [...original, ...patch].some(isMap);
  if (!ofMaps) {
    if (deleteList) return original.filter((v) => !patch.some((p) => p === v));
    const merged = dedupe([...original, ...patch]);
    const fromPatch = merged.filter((v) => patch.includes(v));
    const serverOnly = merged.filter((v) => !patch.includes(v));
    return mergeSorted(sortBy(serverOnly, original, undefined), sortBy(fromPatch, patch, undefined), original, undefined);
  }
  const { mergeKey } = meta;
  if (!mergeKey) throw new StrategicMergePatchError('cannot merge lists without merge key');
  let base = original;
  const plain: JsonMap[] = [];
  let replace = false;
  for (const element of patch) {
    if (!isMap(element)) throw new StrategicMergePatchError('invalid JSON document: a list of objects holds a value that is no object');
    if (!(DIRECTIVE in element)) {
      plain.push(element);
      continue;
    }
    const directive = element[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in element)) throw new StrategicMergePatchError(`map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`);
      base = base.filter((o) => !(isMap(o) && o[mergeKey] === element[mergeKey]));
    } else if (directive === 'replace') replace = true;
    else if (directive === 'merge') throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch');
    else throw new StrategicMergePatchError(`Unexpected kind of patch: ${JSON.stringify(directive)}`);
  }
  if (replace) return plain.map((e) => dropNulls(e));
  const merged = [...base];
  for (const element of plain) {
    if (!(mergeKey in element)) throw new StrategicMergePatchError(`map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`);
    const at = merged.findIndex((o) => isMap(o) && o[mergeKey] === element[mergeKey]);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonMap, element, meta.items);
    else merged.push(mergeMap({}, element, meta.items));
  }
  const inPatch = (o: Json) => plain.some((p) => p[mergeKey] === (o as JsonMap)[mergeKey]);
  const fromPatch = merged.filter(inPatch);
  const serverOnly = merged.filter((o) => !inPatch(o));
  return mergeSorted(sortBy(serverOnly, original, mergeKey), sortBy(fromPatch, plain, mergeKey), original, mergeKey);
}

function dedupe(values: Json[]): Json[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}

function indexIn(list: Json[], item: Json, mergeKey: string | undefined): number {
  if (mergeKey === undefined) return list.indexOf(item);
  return list.findIndex((o) => isMap(o) && isMap(item) && o[mergeKey] === item[mergeKey]);
}

/** Items in the order `order` gives them; items it does not name keep their place ahead, as upstream's sort leaves them. */
function sortBy(items: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const unknown = items.filter((i) => indexIn(order, i, mergeKey) < 0);
  const known = items.filter((i) => indexIn(order, i, mergeKey) >= 0).sort((a, b) => indexIn(order, a, mergeKey) - indexIn(order, b, mergeKey));
  return [...unknown, ...known];
}

/**
 * Interleaves server-only items (`left`) with the patch's items (`right`), keeping the order
 * within each: a server-only item goes before a patch item only when the live list had it first.
 */
function mergeSorted(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string | undefined): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey);
      const ri = indexIn(serverOrder, right[j]!, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

/** `$retainKeys: [a, b]`: every other field of the original goes (kubectl sends it for volumes). */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!(RETAIN_KEYS in patch)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw new StrategicMergePatchError('invalid patch: the $retainKeys directive must hold a list');
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
    if (!keep.includes(k))
      throw new StrategicMergePatchError("doesn't satisfy the $retainKeys directive: the patch holds a field its $retainKeys list does not name", 422);
  }
  for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge that list now and put its items in the order given. */
function applySetElementOrder(original: JsonMap, patch: JsonMap, schema: SchemaObject | undefined): void {
  for (const directiveKey of Object.keys(patch).filter((k) => k.startsWith(SET_ORDER))) {
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw new StrategicMergePatchError('invalid patch: a $setElementOrder directive must hold a list');
    const key = directiveKey.slice(SET_ORDER.length);
    const meta = listMeta(schema, key);
    const originalList = Array.isArray(original[key]) ? (original[key] as Json[]) : [];
    const patchList = Array.isArray(patch[key]) ? (patch[key] as Json[]) : [];
    const mergeKey = order.some(isMap) ? meta.mergeKey : undefined;
    for (const item of patchList) {
      if (isMap(item) && DIRECTIVE in item) continue;
      if (indexIn(order, item, mergeKey) < 0) {
        throw new StrategicMergePatchError('invalid patch: the $setElementOrder list does not hold every item of the list it orders');
      }
    }
    let merged: Json[] = originalList;
    if (originalList.length === 0) merged = patchList.length > 0 ? mergeList([], patchList, meta, false) : [];
    else if (patchList.length > 0) merged = meta.strategy === 'merge' ? mergeList(originalList, patchList, meta, false) : patchList;
    if (merged.length > 0 || key in original) original[key] = sortBy(merged, order, mergeKey);
    delete patch[key];
  }
}

/** A value taken whole from the patch keeps no null fields (IgnoreUnmatchedNulls). */
function dropNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}
