// Who changed what: every write through the API (create, update, patch, scale) records the
// fields it changed in metadata.managedFields for its field manager, as kube-apiserver does,
// so a later server-side apply meets the owners it must not overrule without --force-conflicts.
import { groupVersionOf } from '../../../k8s/api-resources.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { definitionOfKind, resolveSchema } from '../../../k8s/openapi/definitions.js';
import { changedFields, type ManagedFieldsEntry, recordUpdate } from '../../../k8s/patch/managed-fields.js';
import type { ApiContext, ResourceTarget } from './context.js';

export const APPLY_PATCH = 'application/apply-patch+yaml';

/** ?fieldManager=, else the client's name from its User-Agent (`kubectl/v1.32.0 …` is "kubectl"), as kube-apiserver picks it. */
function fieldManager(ctx: ApiContext): string {
  return ctx.query.get('fieldManager') || (ctx.req.headers['user-agent'] ?? 'unknown').split('/')[0]!;
}

/**
 * `obj` with its managedFields after this write: the ones the client sent (a reset, as kubectl's migration to
 * server-side apply sends) or else the stored ones, plus an Update entry for what changed. A server-side apply
 * keeps its own (server-side-apply.ts); status writes are the controllers' and record nothing.
 */
export function withFieldManager(ctx: ApiContext, target: ResourceTarget, obj: KubeObject, existing: KubeObject | undefined): KubeObject {
  if ((ctx.method === 'PATCH' && ctx.contentType === APPLY_PATCH && !target.subresource) || target.subresource === 'status') return obj;
  type Meta = { managedFields?: ManagedFieldsEntry[] };
  const sent = (obj.metadata as Meta).managedFields;
  const entries = sent?.length ? sent : ((existing?.metadata as Meta | undefined)?.managedFields ?? []);
  const schema = resolveSchema(definitionOfKind(groupVersionOf(target.resource), target.resource.kind));
  const changed = changedFields(existing, obj, schema);
  const managedFields = recordUpdate(entries, fieldManager(ctx), obj.apiVersion, changed, target.subresource);
  return managedFields.length ? { ...obj, metadata: { ...obj.metadata, managedFields } as KubeObject['metadata'] } : obj;
}
