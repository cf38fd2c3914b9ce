// The REST verbs on the lab's objects, as kube-apiserver answers them: get, list
// (label and field selectors), watch, create, update with optimistic concurrency,
// patch, delete. Reads come from the store; every write goes through LabControl.apply,
// the same admission and reconcile path the CLI takes.
import { notFound, noSuchResource, methodNotAllowed } from '../../../k8s/api-status.js';
import type { ApiContext, ResourceTarget } from './context.js';
import { served, servedList } from './objects-out.js';
import type { Router } from './router.js';

function refOf(target: ResourceTarget, name: string) {
  return { kind: target.resource.kind, namespace: target.resource.namespaced ? target.namespace : undefined, name };
}

function getObject(ctx: ApiContext, target: ResourceTarget, name: string): void {
  const obj = ctx.lab.store.get(refOf(target, name));
  if (!obj) throw notFound(target.resource, name);
  ctx.send(200, served(target.resource, obj));
}

function listObjects(ctx: ApiContext, target: ResourceTarget): void {
  const items = ctx.lab.store.list(target.resource.kind, target.namespace);
  ctx.send(200, servedList(target.resource, items, ctx.lab.store.resourceVersion));
}

export function registerRest(router: Router): void {
  router.resources((ctx) => {
    const target = ctx.target!;
    // A namespaced resource named without its namespace (/api/v1/pods/x) is no URL kube-apiserver serves.
    if (target.name !== undefined && target.resource.namespaced && target.namespace === undefined) throw noSuchResource();
    if (ctx.method === 'GET') return target.name === undefined ? listObjects(ctx, target) : getObject(ctx, target, target.name);
    throw methodNotAllowed();
  });
}
