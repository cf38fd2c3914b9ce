// How reads answer: the object or list itself (JSON or YAML), or the Table `kubectl get`
// asks for (api-views' printers), as the Accept header chooses; 406 when it accepts neither.
import { stringify } from 'yaml';
import { groupVersionOf, type ApiResource } from '../../../k8s/api-resources.js';
import { badRequest, notAcceptable } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { includeObjectParam, negotiateRead, type ReadRepresentation } from '../../../k8s/printers/negotiate.js';
import { toTable } from '../../../k8s/printers/printers.js';
import type { ApiContext } from './context.js';

const ACCEPTED = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io'];

export function served(resource: ApiResource, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: groupVersionOf(resource), kind: resource.kind };
}

export function servedList(resource: ApiResource, items: KubeObject[], resourceVersion: number): Record<string, unknown> {
  return {
    kind: `${resource.kind}List`,
    apiVersion: groupVersionOf(resource),
    metadata: { resourceVersion: String(resourceVersion) },
    items: items.map((obj) => served(resource, obj)),
  };
}

function representation(ctx: ApiContext): ReadRepresentation {
  const chosen = negotiateRead(ctx.accept);
  if (!chosen) throw notAcceptable(ACCEPTED);
  return chosen;
}

function tableOptions(ctx: ApiContext, chosen: ReadRepresentation & { as: 'Table' }) {
  const includeObject = includeObjectParam(ctx.query.get('includeObject'));
  if (!includeObject) throw badRequest(`includeObject must be None, Metadata or Object, not "${ctx.query.get('includeObject')}"`);
  return { apiVersion: chosen.apiVersion, includeObject };
}

function sendAs(ctx: ApiContext, chosen: ReadRepresentation, code: number, body: unknown): void {
  if (chosen.contentType === 'application/yaml') ctx.send(code, stringify(body), 'application/yaml');
  else ctx.send(code, body, chosen.contentType);
}

/** One object, answering a GET. */
export function sendObject(ctx: ApiContext, resource: ApiResource, obj: KubeObject, code = 200): void {
  const chosen = representation(ctx);
  if (chosen.as === 'Table') return sendAs(ctx, chosen, code, toTable(resource.kind, [served(resource, obj)], tableOptions(ctx, chosen)));
  sendAs(ctx, chosen, code, served(resource, obj));
}

/** A list, answering a list request. */
export function sendList(ctx: ApiContext, resource: ApiResource, items: KubeObject[], resourceVersion: number): void {
  const chosen = representation(ctx);
  if (chosen.as === 'Table') {
    const options = { ...tableOptions(ctx, chosen), resourceVersion: String(resourceVersion) };
    return sendAs(
      ctx,
      chosen,
      200,
      toTable(
        resource.kind,
        items.map((o) => served(resource, o)),
        options,
      ),
    );
  }
  sendAs(ctx, chosen, 200, servedList(resource, items, resourceVersion));
}

/** What a watch event's `object` is: the object, or a one-row Table (column definitions in the first only). */
export function watchEncoder(ctx: ApiContext, resource: ApiResource): (obj: KubeObject) => unknown {
  const chosen = representation(ctx);
  if (chosen.as !== 'Table') return (obj) => served(resource, obj);
  const options = tableOptions(ctx, chosen);
  let first = true;
  return (obj) => {
    const table = toTable(resource.kind, [served(resource, obj)], { ...options, noHeaders: !first });
    first = false;
    return table;
  };
}
