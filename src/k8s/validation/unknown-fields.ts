// The fields of an object its kind's schema does not have: what kube-apiserver's
// strict decoding (fieldValidation=Strict, which kubectl sends by default) refuses with
// `strict decoding error: unknown field "spec.podselector"`.
import { resolveSchema, type SchemaObject } from '../openapi/definitions.js';

/** Paths of unknown fields, in upstream's notation (`spec.ingress[0].fromm`), in document order. */
export function unknownFields(value: unknown, schema: SchemaObject | undefined, at = ''): string[] {
  const s = resolveSchema(schema);
  if (!s || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => unknownFields(v, s.items, `${at}[${i}]`)) : [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (s.properties) {
      if (key in s.properties) out.push(...unknownFields(v, s.properties[key], path));
      else out.push(path);
    } else if (s.additionalProperties) out.push(...unknownFields(v, s.additionalProperties, path));
  }
  return out;
}

/** kube-apiserver's BadRequest message for them: `Kind in version "v1" cannot be handled as a Kind: strict decoding error: …`. */
export function strictDecodingMessage(kind: string, version: string, fields: string[]): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${fields.map((f) => `unknown field "${f}"`).join(', ')}`;
}

/** The object without its unknown fields, as kube-apiserver stores it (it drops what it cannot decode). */
export function withoutUnknownFields<T>(value: T, schema: SchemaObject | undefined): T {
  const s = resolveSchema(schema);
  if (!s || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (s.items ? value.map((v) => withoutUnknownFields(v, s.items)) : value) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (s.properties) {
      if (key in s.properties) out[key] = withoutUnknownFields(v, s.properties[key]);
    } else out[key] = s.additionalProperties ? withoutUnknownFields(v, s.additionalProperties) : v;
  }
  return out as T;
}
