// The REST verbs on the lab's objects, as kube-apiserver answers them: get, list
// (label and field selectors), watch, create, update with optimistic concurrency,
// patch, delete (with propagation), dryRun=All, and the status and scale subresources.
// Reads come from the store; every write goes through LabControl.apply, the same
// admission and reconcile path the CLI takes, so grading sees kubectl's changes alike.
import { randomBytes } from 'node:crypto';
import { alreadyExists, badRequest, conflict, invalid, methodNotAllowed, notFound, noSuchResource } from '../../../k8s/api-status.js';
import type { KubeObject, ObjectRef } from '../../../k8s/objects.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, type Matcher } from '../../../k8s/selectors.js';
import { admissionToStatus } from './admission-errors.js';
import type { ApiContext, ResourceTarget } from './context.js';
import { asObjectOf, decodeBody } from './decode.js';
import { patchObject } from './patch.js';
import { withFieldManager } from './field-managers.js';
import { checkFields } from './schema-checks.js';
import { sendList, sendObject } from './representation.js';
import type { Router } from './router.js';
import { scaleOf, withReplicas } from './scale.js';
import { serveWatch } from './watch.js';

function refOf(target: ResourceTarget, name: string): ObjectRef {
  return { kind: target.resource.kind, namespace: target.resource.namespaced ? target.namespace : undefined, name };
}

function current(ctx: ApiContext, target: ResourceTarget, name: string): KubeObject {
  const obj = ctx.lab.store.get(refOf(target, name));
  if (!obj) throw notFound(target.resource, name);
  return obj;
}

function dryRun(ctx: ApiContext): boolean {
  const values = ctx.query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: "${values.find((v) => v !== 'All')}": supported values: "All"`);
  return values.length > 0;
}

/** Admits and stores (or, with dryRun, only admits) one object, with admission's refusals as Status errors. */
function write(ctx: ApiContext, target: ResourceTarget, obj: KubeObject): KubeObject {
  const existing = ctx.lab.store.get(refOf(target, obj.metadata.name));
  const checked = withFieldManager(ctx, target, checkFields(ctx, obj, existing), existing);
  try {
    return ctx.lab.apply([checked], { dryRun: dryRun(ctx) })[0]!;
  } catch (error) {
    throw admissionToStatus(error, target.resource, obj.metadata.name);
  }
}

function selection(ctx: ApiContext, target: ResourceTarget): Matcher {
  try {
    const labels = parseLabelSelector(ctx.query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(ctx.query.get('fieldSelector') ?? '', target.resource.kind);
    return (obj) => labels(obj) && fields(obj);
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

function list(ctx: ApiContext, target: ResourceTarget, matches: Matcher): KubeObject[] {
  return ctx.lab.store.list(target.resource.kind, target.namespace).filter(matches);
}

/** kube-apiserver's name rule for most kinds (a DNS-1123 subdomain), and its words when a name breaks it. */
function checkName(target: ResourceTarget, name: string): void {
  const field = 'metadata.name';
  if (!name)
    throw invalid(target.resource.kind, target.resource.group, '', [
      { reason: 'FieldValueRequired', field, message: 'Required value: name or generateName is required' },
    ]);
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    const message = `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
    throw invalid(target.resource.kind, target.resource.group, name, [{ reason: 'FieldValueInvalid', field, message }]);
  }
}

/** generateName's suffix: five characters from the alphabet kube-apiserver draws from (no vowels, no look-alikes). */
function nameSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Fields a client may not set: the server's own bookkeeping. */
function withoutServerFields(obj: KubeObject): KubeObject {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _created, generation: _generation, ...metadata } = obj.metadata;
  return { ...obj, metadata: { ...metadata, name: obj.metadata.name } };
}

/** An update of the main resource leaves status alone, as the status subresource's kinds do on a cluster. */
function keepStatus(target: ResourceTarget, updated: KubeObject, existing: KubeObject): KubeObject {
  if (!target.resource.subresources.some((s) => s.name === 'status')) return updated;
  const { status: _ignored, ...rest } = updated;
  return existing.status === undefined ? rest : { ...rest, status: existing.status };
}

function checkVersion(target: ResourceTarget, updated: KubeObject, existing: KubeObject): void {
  const wanted = updated.metadata.resourceVersion;
  if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) throw conflict(target.resource, existing.metadata.name);
}

async function create(ctx: ApiContext, target: ResourceTarget): Promise<void> {
  if (target.resource.namespaced && target.namespace === undefined) throw methodNotAllowed();
  const obj = asObjectOf(target, await decodeBody(ctx));
  if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  const generateName = (obj.metadata as { generateName?: string }).generateName;
  if (!obj.metadata.name && generateName) obj.metadata.name = `${generateName}${nameSuffix()}`;
  checkName(target, obj.metadata.name);
  if (ctx.lab.store.get(refOf(target, obj.metadata.name))) throw alreadyExists(target.resource, obj.metadata.name);
  const fresh = withoutServerFields(obj);
  if (target.resource.subresources.some((s) => s.name === 'status') && target.resource.kind !== 'Namespace') delete fresh.status;
  sendObject(ctx, target.resource, write(ctx, target, fresh), 201);
}

async function update(ctx: ApiContext, target: ResourceTarget, name: string): Promise<void> {
  const existing = current(ctx, target, name);
  const obj = asObjectOf(target, await decodeBody(ctx));
  if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  checkVersion(target, obj, existing);
  sendObject(ctx, target.resource, write(ctx, target, keepStatus(target, withoutServerFields(obj), existing)));
}

async function patch(ctx: ApiContext, target: ResourceTarget, name: string): Promise<void> {
  const existing = ctx.lab.store.get(refOf(target, name));
  const patched = await patchObject(ctx, target, name, existing);
  if (patched.metadata.name !== name) throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
  if (!existing) {
    checkName(target, name);
    return sendObject(ctx, target.resource, write(ctx, target, withoutServerFields(patched)), 201);
  }
  checkVersion(target, patched, existing);
  sendObject(ctx, target.resource, write(ctx, target, keepStatus(target, withoutServerFields(patched), existing)));
}

interface DeleteOptions {
  propagationPolicy?: string;
  dryRun?: string[];
  preconditions?: { uid?: string; resourceVersion?: string };
}

async function deleteOptions(ctx: ApiContext): Promise<DeleteOptions> {
  const text = (await ctx.body()).toString('utf8').trim();
  let options: DeleteOptions = {};
  if (text) {
    try {
      options = JSON.parse(text) as DeleteOptions;
    } catch (error) {
      throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const policy = ctx.query.get('propagationPolicy') ?? options.propagationPolicy;
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return { ...options, propagationPolicy: policy };
}

function deleteOne(ctx: ApiContext, target: ResourceTarget, obj: KubeObject, options: DeleteOptions): KubeObject {
  const { preconditions } = options;
  const name = obj.metadata.name;
  if (preconditions?.uid && preconditions.uid !== obj.metadata.uid) {
    throw conflict(target.resource, name);
  }
  if (preconditions?.resourceVersion && preconditions.resourceVersion !== obj.metadata.resourceVersion) throw conflict(target.resource, name);
  if (dryRun(ctx) || options.dryRun?.includes('All')) return obj;
  // Orphan: the dependents lose their owner reference and stay, as the garbage collector leaves them.
  if (options.propagationPolicy === 'Orphan') {
    const owned = (d: KubeObject) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid);
    const dependents = ['Pod', 'ReplicaSet', 'EndpointSlice', 'Endpoints'].flatMap((kind) => ctx.lab.store.list(kind, obj.metadata.namespace)).filter(owned);
    const freed = dependents.map((d) => ({
      ...d,
      metadata: { ...d.metadata, ownerReferences: d.metadata.ownerReferences!.filter((r) => r.uid !== obj.metadata.uid) },
    }));
    if (freed.length) ctx.lab.apply(freed);
  }
  ctx.lab.delete(refOf(target, name));
  return obj;
}

async function remove(ctx: ApiContext, target: ResourceTarget, name: string): Promise<void> {
  const obj = current(ctx, target, name);
  const options = await deleteOptions(ctx);
  const deleted = deleteOne(ctx, target, obj, options);
  // A Namespace goes away with its objects; kube-apiserver first answers with it Terminating.
  if (target.resource.kind === 'Namespace') return sendObject(ctx, target.resource, { ...deleted, status: { phase: 'Terminating' } });
  sendObject(ctx, target.resource, deleted);
}

async function removeCollection(ctx: ApiContext, target: ResourceTarget): Promise<void> {
  if (!target.resource.verbs.includes('deletecollection')) throw methodNotAllowed();
  const options = await deleteOptions(ctx);
  const chosen = list(ctx, target, selection(ctx, target));
  const deleted = chosen.map((obj) => deleteOne(ctx, target, obj, options));
  sendList(ctx, target.resource, deleted, ctx.lab.store.resourceVersion);
}

function isWatch(ctx: ApiContext): boolean {
  const value = ctx.query.get('watch');
  return value === '1' || value === 'true';
}

async function onResource(ctx: ApiContext): Promise<void> {
  const target = ctx.target!;
  const name = target.name;
  // A namespaced resource named without its namespace (/api/v1/pods/x) is no URL kube-apiserver serves.
  if (name !== undefined && target.resource.namespaced && target.namespace === undefined) throw noSuchResource();
  if (name === undefined) {
    switch (ctx.method) {
      case 'GET': {
        const matches = selection(ctx, target);
        if (isWatch(ctx)) return serveWatch(ctx, { resource: target.resource, namespace: target.namespace, matches }, () => list(ctx, target, matches));
        return sendList(ctx, target.resource, list(ctx, target, matches), ctx.lab.store.resourceVersion);
      }
      case 'POST':
        return create(ctx, target);
      case 'DELETE':
        return removeCollection(ctx, target);
      default:
        throw methodNotAllowed();
    }
  }
  switch (ctx.method) {
    case 'GET':
      return sendObject(ctx, target.resource, current(ctx, target, name));
    case 'PUT':
      return update(ctx, target, name);
    case 'PATCH':
      return patch(ctx, target, name);
    case 'DELETE':
      return remove(ctx, target, name);
    default:
      throw methodNotAllowed();
  }
}

/** /status: reads the object; writes change its status only. */
async function onStatus(ctx: ApiContext): Promise<void> {
  const target = ctx.target!;
  const name = target.name!;
  const existing = current(ctx, target, name);
  if (ctx.method === 'GET') return sendObject(ctx, target.resource, existing);
  let changed: KubeObject;
  if (ctx.method === 'PUT') changed = asObjectOf(target, await decodeBody(ctx));
  else if (ctx.method === 'PATCH') changed = await patchObject(ctx, target, name, existing);
  else throw methodNotAllowed();
  checkVersion(target, changed, existing);
  sendObject(ctx, target.resource, write(ctx, target, { ...existing, status: changed.status }));
}

/** /scale: an autoscaling/v1 Scale of a Deployment or ReplicaSet; writes change spec.replicas only. */
async function onScale(ctx: ApiContext): Promise<void> {
  const target = ctx.target!;
  const name = target.name!;
  const existing = current(ctx, target, name);
  const scale = scaleOf(existing);
  if (ctx.method === 'GET') return ctx.send(200, scale);
  let wanted: unknown;
  if (ctx.method === 'PUT') wanted = await decodeBody(ctx);
  else if (ctx.method === 'PATCH') wanted = await patchObject(ctx, { ...target, subresource: 'scale' }, name, scale as unknown as KubeObject);
  else throw methodNotAllowed();
  const updated = withReplicas(existing, wanted);
  checkVersion(target, updated, existing);
  ctx.send(200, scaleOf(write(ctx, target, updated)));
}

export function registerRest(router: Router): void {
  router.resources(onResource);
  for (const plural of ['pods', 'services', 'deployments', 'replicasets', 'daemonsets', 'nodes', 'namespaces']) router.subresource(plural, 'status', onStatus);
  for (const plural of ['deployments', 'replicasets']) router.subresource(plural, 'scale', onScale);
}
