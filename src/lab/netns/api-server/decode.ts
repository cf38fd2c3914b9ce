// Request bodies: objects in JSON, YAML or Kubernetes protobuf, and the errors kube-apiserver gives for
// bodies it cannot read or objects that do not belong at the URL they were sent to.
import { parse } from 'yaml';
import { groupVersionOf } from '../../../k8s/api-resources.js';
import { ApiError, badRequest, unsupportedMediaType } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { decodeKubeProtobuf, ProtobufBodyError } from '../../../k8s/protobuf/envelope.js';
import type { ApiContext, ResourceTarget } from './context.js';

const OBJECT_TYPES = ['application/json', 'application/yaml'];
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The body as JSON by its content type (YAML and protobuf are read into the same shape). */
export async function decodeBody(ctx: ApiContext, types = OBJECT_TYPES): Promise<unknown> {
  const type = ctx.contentType || 'application/json';
  // kubectl's typed commands (create namespace|deployment|configmap|service, debug node/…) send protobuf.
  if (type === PROTOBUF) return fromProtobuf(await ctx.body());
  if (!types.includes(type)) throw unsupportedMediaType(types);
  if (type.endsWith('json')) return ctx.json();
  const text = (await ctx.body()).toString('utf8');
  try {
    return parse(text);
  } catch (error) {
    throw badRequest(`the request body is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

function fromProtobuf(body: Buffer): unknown {
  try {
    return decodeKubeProtobuf(body);
  } catch (error) {
    if (!(error instanceof ProtobufBodyError)) throw error;
    if (!error.unsupportedKind) throw badRequest(error.message);
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `${error.message}: write the object as YAML (kubectl create … --dry-run=client -o yaml > obj.yaml) and kubectl apply -f obj.yaml`,
    );
  }
}

/** The body as an object of the URL's resource: its kind and apiVersion checked, its namespace the URL's. */
export function asObjectOf(target: ResourceTarget, body: unknown): KubeObject {
  const { resource } = target;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`the request body is not a ${resource.kind} object`);
  const obj = body as KubeObject;
  const expected = groupVersionOf(resource);
  if (obj.kind && obj.kind !== resource.kind) {
    throw badRequest(`${obj.kind} in version "${obj.apiVersion ?? ''}" cannot be handled as a ${resource.kind}: the URL is for ${resource.plural}`);
  }
  if (obj.apiVersion && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  }
  const metadata = (obj.metadata ??= { name: '' });
  if (typeof metadata !== 'object') throw badRequest('metadata must be an object');
  if (resource.namespaced && target.namespace !== undefined) {
    if (metadata.namespace && metadata.namespace !== target.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    metadata.namespace = target.namespace;
  }
  if (!resource.namespaced) delete metadata.namespace;
  return { ...obj, apiVersion: expected, kind: resource.kind };
}
