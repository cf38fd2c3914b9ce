// The OpenAPI documents kube-apiserver serves, for the kinds the lab holds:
//   /openapi/v2                      Swagger 2.0, every path and definition;
//   /openapi/v3                      the index of group-versions, each with a hash in its URL;
//   /openapi/v3/api/v1, /openapi/v3/apis/apps/v1, ...   OpenAPI 3.0, one group-version each.
// kubectl explain reads v3; kubectl apply reads v3 to learn that the server validates fields
// itself (the fieldValidation parameter of each PATCH) and to compute strategic merge patches.
import { createHash } from 'node:crypto';
import { API_RESOURCES } from '../api-resources.js';
import { refName, type SchemaObject, shippedDefinitions } from './definitions.js';

/** What the documents describe of a resource: its verbs' paths, and the status and scale subresources (the others carry no schema). */
interface ServedResource {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  subresources: ('status' | 'scale')[];
}

/** The resources discovery lists (api-resources.ts), as the documents describe them. */
export function servedResources(): ServedResource[] {
  return API_RESOURCES.map((r) => ({
    ...r,
    subresources: r.subresources.map((s) => s.name).filter((n): n is 'status' | 'scale' => n === 'status' || n === 'scale'),
  }));
}

/** `api/v1` or `apis/apps/v1`: the group-version's path below /openapi/v3/. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The definition name of a kind, from the GVK extension the generator wrote. */
function definitionName(group: string, version: string, kind: string): string {
  const { definitions } = shippedDefinitions();
  const name = Object.keys(definitions).find((n) =>
    definitions[n]!['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind),
  );
  if (!name) throw new Error(`schema/kubernetes-openapi.json has no definition for ${kind} (${group || 'core'}/${version}): regenerate it`);
  return name;
}

type Operation = Record<string, unknown>;
type PathItem = Record<string, Operation | unknown[]>;

const query = (name: string, type: string, description: string) => ({ name, in: 'query', description, type, uniqueItems: true });
const WRITE_PARAMS = [
  query(
    'dryRun',
    'string',
    'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  ),
  query('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  query(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  ),
];
const LIST_PARAMS = ['labelSelector', 'fieldSelector', 'resourceVersion', 'limit', 'continue'].map((n) => query(n, n === 'limit' ? 'integer' : 'string', n));
const WATCH_PARAM = query(
  'watch',
  'boolean',
  'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
);

/** The Swagger 2.0 paths of one resource; v3 documents are made from the same table. */
function resourcePaths(r: ServedResource): Record<string, PathItem> {
  const prefix = `/${groupVersionPath(r.group, r.version)}`;
  const ns = r.namespaced ? '/namespaces/{namespace}' : '';
  const scope = r.namespaced ? 'Namespaced' : '';
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const def = definitionName(r.group, r.version, r.kind);
  const list = definitionName(r.group, r.version, `${r.kind}List`);
  const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
  const op = (verb: string, action: string, id: string, schema: string, extra: object[] = [], kind = gvk) => ({
    description: `${verb} ${id}`,
    operationId: `${verb}${scope}${id}`,
    consumes: verb === 'patch' ? PATCH_TYPES : ['*/*'],
    produces: ['application/json', 'application/yaml'],
    parameters: extra,
    responses: { '200': { description: 'OK', schema: ref(schema) }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': kind,
  });
  const body = (schema: string) => ({ name: 'body', in: 'body', required: true, schema: ref(schema) });
  const patchBody = { name: 'body', in: 'body', required: true, schema: { type: 'object' } };
  const force = query('force', 'boolean', 'Force is going to "force" Apply requests.');
  const nameParams = [
    { name: 'name', in: 'path', required: true, type: 'string', description: `name of the ${r.kind}` },
    ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, type: 'string', description: 'object name and auth scope' }] : []),
  ];
  const collection = r.namespaced ? [{ name: 'namespace', in: 'path', required: true, type: 'string', description: 'object name and auth scope' }] : [];
  const paths: Record<string, PathItem> = {
    [`${prefix}${ns}/${r.plural}`]: {
      get: op('list', 'list', r.kind, list, [...LIST_PARAMS, WATCH_PARAM]),
      post: op('create', 'post', r.kind, def, [body(def), ...WRITE_PARAMS]),
      parameters: collection,
    },
    [`${prefix}${ns}/${r.plural}/{name}`]: {
      get: op('read', 'get', r.kind, def),
      put: op('replace', 'put', r.kind, def, [body(def), ...WRITE_PARAMS]),
      patch: op('patch', 'patch', r.kind, def, [patchBody, ...WRITE_PARAMS, force]),
      delete: op('delete', 'delete', r.kind, `io.k8s.apimachinery.pkg.apis.meta.v1.Status`, [query('propagationPolicy', 'string', 'propagationPolicy')]),
      parameters: nameParams,
    },
  };
  if (r.namespaced) paths[`${prefix}/${r.plural}`] = { get: op('list', 'list', `${r.kind}ForAllNamespaces`, list, [...LIST_PARAMS, WATCH_PARAM]) };
  for (const sub of r.subresources) {
    const scale = sub === 'scale';
    const subDef = scale ? 'io.k8s.api.autoscaling.v1.Scale' : def;
    const subGvk = scale ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
    const id = `${r.kind}${scale ? 'Scale' : 'Status'}`;
    paths[`${prefix}${ns}/${r.plural}/{name}/${sub}`] = {
      get: op('read', 'get', id, subDef, [], subGvk),
      put: op('replace', 'put', id, subDef, [body(subDef), ...WRITE_PARAMS], subGvk),
      patch: op('patch', 'patch', id, subDef, [patchBody, ...WRITE_PARAMS, force], subGvk),
      parameters: nameParams,
    };
  }
  return paths;
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** Every definition a schema reaches through `$ref`, the schema's own included. */
function reachable(roots: string[]): string[] {
  const { definitions } = shippedDefinitions();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const walk = (s: SchemaObject | undefined) => {
      if (!s) return;
      if (s.$ref) visit(refName(s.$ref));
      walk(s.items);
      walk(s.additionalProperties);
      for (const p of Object.values(s.properties ?? {})) walk(p);
    };
    walk(definitions[name]);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const EXTRA_DEFINITIONS = [STATUS, 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent'];

export interface OpenApiDocument {
  /** The document as served (JSON text), built once per process. */
  json: string;
  /** A hash of the text: the v3 index puts it in each URL, and it serves as the ETag. */
  hash: string;
}

function document(value: unknown): OpenApiDocument {
  const json = JSON.stringify(value);
  return { json, hash: createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase() };
}

let v2: OpenApiDocument | undefined;

/** GET /openapi/v2 (JSON). */
export function openApiV2(): OpenApiDocument {
  if (v2) return v2;
  const { info, definitions } = shippedDefinitions();
  const paths = Object.assign({}, ...servedResources().map(resourcePaths));
  v2 = document({ swagger: '2.0', info: { title: info.title, version: info.version }, paths, definitions });
  return v2;
}

const v3Docs = new Map<string, OpenApiDocument>();

/** GET /openapi/v3/<api/v1 | apis/GROUP/VERSION>; undefined for a group-version the lab does not serve. */
export function openApiV3(gvPath: string): OpenApiDocument | undefined {
  const cached = v3Docs.get(gvPath);
  if (cached) return cached;
  const resources = servedResources().filter((r) => groupVersionPath(r.group, r.version) === gvPath);
  if (resources.length === 0) return undefined;
  const { info, definitions } = shippedDefinitions();
  const swaggerPaths: Record<string, PathItem> = Object.assign({}, ...resources.map(resourcePaths));
  const roots = new Set(EXTRA_DEFINITIONS);
  for (const item of Object.values(swaggerPaths)) {
    for (const op of Object.values(item)) {
      for (const name of JSON.stringify(op).match(/#\/definitions\/[\w.]+/g) ?? []) roots.add(refName(name));
    }
  }
  const schemas = Object.fromEntries(reachable([...roots]).map((name) => [name, toV3Schema(definitions[name]!)]));
  const paths = Object.fromEntries(Object.entries(swaggerPaths).map(([p, item]) => [p, toV3PathItem(item)]));
  const doc = document({ openapi: '3.0.0', info: { title: info.title, version: info.version }, paths, components: { schemas } });
  v3Docs.set(gvPath, doc);
  return doc;
}

/** GET /openapi/v3: every group-version with a URL that changes when its document does. */
let v3Index: OpenApiDocument | undefined;

export function openApiV3Index(): OpenApiDocument {
  if (v3Index) return v3Index;
  const gvPaths = [...new Set(servedResources().map((r) => groupVersionPath(r.group, r.version)))].sort();
  const paths = Object.fromEntries(gvPaths.map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${openApiV3(p)!.hash}` }]));
  v3Index = document({ paths });
  return v3Index;
}

const v3Ref = (ref: string) => ref.replace('#/definitions/', '#/components/schemas/');

/**
 * A Swagger 2.0 schema as kube-apiserver writes it in v3: references under
 * #/components/schemas, and a property that refers to a type and carries its own
 * description or extensions wraps the reference in allOf (v3 ignores siblings of $ref).
 */
function toV3Schema(schema: SchemaObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') continue;
    if (key === 'items' || key === 'additionalProperties') out[key] = toV3Schema(value as SchemaObject);
    else if (key === 'properties') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, SchemaObject>).map(([k, v]) => [k, toV3Schema(v)]));
    } else out[key] = value;
  }
  if (schema.$ref) {
    if (Object.keys(out).length === 0) return { $ref: v3Ref(schema.$ref) };
    out.allOf = [{ $ref: v3Ref(schema.$ref) }];
  }
  if (schema.format === 'int-or-string') {
    // kube-apiserver's v3 leaves the type open (either is fine): kubectl explain then prints <IntOrString>.
    delete out.type;
    out['x-kubernetes-int-or-string'] = true;
  }
  return out;
}

function toV3PathItem(item: PathItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [method, value] of Object.entries(item)) {
    if (method === 'parameters') {
      out.parameters = (value as Record<string, unknown>[]).map(toV3Parameter);
      continue;
    }
    const op = value as Record<string, unknown>;
    const params = (op.parameters as Record<string, unknown>[]).filter((p) => p.in !== 'body').map(toV3Parameter);
    const bodyParam = (op.parameters as Record<string, unknown>[]).find((p) => p.in === 'body');
    const consumes = op.consumes as string[];
    const response = (op.responses as Record<string, { schema: SchemaObject }>)['200']!;
    out[method] = {
      description: op.description,
      operationId: op.operationId,
      parameters: params,
      ...(bodyParam
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(consumes.map((c) => [c, { schema: toV3Schema(bodyParam.schema as SchemaObject) }])),
            },
          }
        : {}),
      responses: {
        '200': { description: 'OK', content: Object.fromEntries((op.produces as string[]).map((p) => [p, { schema: toV3Schema(response.schema) }])) },
        '401': { description: 'Unauthorized' },
      },
      'x-kubernetes-action': op['x-kubernetes-action'],
      'x-kubernetes-group-version-kind': op['x-kubernetes-group-version-kind'],
    };
  }
  return out;
}

function toV3Parameter(p: Record<string, unknown>): Record<string, unknown> {
  const { type, uniqueItems: _unique, ...rest } = p;
  return { ...rest, schema: { type } };
}
