// The schema's part in a write to the lab's API: unknown fields as the request's
// fieldValidation asks (Strict refuses, Warn warns, Ignore drops them silently, as
// kube-apiserver does).
import { badRequest } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { definitionOfKind } from '../../../k8s/openapi/definitions.js';
import { strictDecodingMessage, unknownFields, withoutUnknownFields } from '../../../k8s/validation/unknown-fields.js';
import type { ApiContext } from './context.js';

/**
 * The object to store with unknown fields dropped. Those the request brings (not already in
 * `before`, the stored object) refuse a Strict request (400) and warn a Warn request
 * (kube-apiserver's default) with a Warning header each.
 */
export function checkFields(ctx: ApiContext, obj: KubeObject, before?: KubeObject): KubeObject {
  const schema = definitionOfKind(obj.apiVersion, obj.kind);
  if (!schema) return obj;
  const stored = new Set(before ? unknownFields(before, schema) : []);
  const unknown = unknownFields(obj, schema).filter((f) => !stored.has(f));
  if (unknown.length === 0) return stored.size > 0 ? withoutUnknownFields(obj, schema) : obj;
  const directive = (ctx.query.get('fieldValidation') ?? 'Warn').toLowerCase();
  const version = obj.apiVersion.split('/').at(-1)!;
  if (directive === 'strict') throw badRequest(strictDecodingMessage(obj.kind, version, unknown));
  if (directive === 'warn')
    ctx.res.setHeader(
      'Warning',
      unknown.map((f) => `299 - "unknown field \\"${f}\\""`),
    );
  return withoutUnknownFields(obj, schema);
}
