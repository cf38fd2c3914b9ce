// PATCH bodies by their Content-Type, as kube-apiserver takes them: JSON patch, JSON
// merge patch, strategic merge patch (api-schema's, driven by the shipped OpenAPI
// schema) and server-side apply; 415 for anything else.
import { parse } from 'yaml';
import { groupVersionOf } from '../../../k8s/api-resources.js';
import { ApiError, badRequest, notFound, unsupportedMediaType } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { definitionOfKind } from '../../../k8s/openapi/definitions.js';
import { applyJsonPatch, JsonPatchError } from '../../../k8s/patch/json-patch.js';
import { serverSideApply } from '../../../k8s/patch/server-side-apply.js';
import { StrategicMergePatchError, strategicMergePatch } from '../../../k8s/patch/strategic-merge.js';
import { mergePatch } from '../../merge-patch.js';
import type { ApiContext, ResourceTarget } from './context.js';
import { asObjectOf } from './decode.js';
import { APPLY_PATCH as APPLY } from './field-managers.js';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY];

/** What a PATCH makes of `existing` (undefined: the object does not exist, which only server-side apply accepts). */
export async function patchObject(ctx: ApiContext, target: ResourceTarget, name: string, existing: KubeObject | undefined): Promise<KubeObject> {
  const type = ctx.contentType;
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(PATCH_TYPES);
  const { resource } = target;
  if (type === APPLY) {
    const manager = ctx.query.get('fieldManager');
    if (!manager) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    let body: unknown;
    try {
      body = parse((await ctx.body()).toString('utf8'));
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    const applied = asObjectOf(target, body);
    if (applied.metadata.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata.name = name;
    const schema = definitionOfKind(groupVersionOf(resource), resource.kind);
    return serverSideApply(
      existing as unknown as Record<string, unknown>,
      applied as unknown as Record<string, unknown>,
      manager,
      schema,
      ctx.query.get('force') === 'true',
    ) as unknown as KubeObject;
  }
  if (!existing) throw notFound(resource, name);
  const patch = await ctx.json();
  try {
    if (type === JSON_PATCH) return applyJsonPatch(existing, patch) as KubeObject;
    if (type === MERGE_PATCH) {
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('a merge patch must be a JSON object');
      return mergePatch(existing, patch) as KubeObject;
    }
    // The Scale subresource has no schema of its own worth following: spec.replicas is a number.
    const schema = target.subresource === 'scale' ? undefined : definitionOfKind(groupVersionOf(resource), resource.kind);
    return strategicMergePatch(existing, patch, schema) as KubeObject;
  } catch (error) {
    if (error instanceof JsonPatchError) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${error.message}`);
    if (error instanceof StrategicMergePatchError) throw new ApiError(error.code, error.code === 400 ? 'BadRequest' : 'Invalid', error.message);
    throw error;
  }
}
