// The lab API server's router. Modules register what they serve here:
//   route(method, path, handler)            a fixed path: /version, /openapi/v2, or a prefix with `prefix: true`
//   resources(handler)                      every /api and /apis URL that names a resource without a subresource
//   subresource(plural, name, handler)      /…/pods/NAME/log, /…/deployments/NAME/scale (any method; the handler checks)
//   upgrade(plural, name, handler)          a WebSocket upgrade on a subresource: pods/exec, pods/portforward
// Authentication happens before any of them runs (server.ts).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { findResource, servedGroups } from '../../../k8s/api-resources.js';
import { ApiError, methodNotAllowed, noSuchResource } from '../../../k8s/api-status.js';
import type { ApiContext, ResourceTarget } from './context.js';
import type { LabControl } from './lab-control.js';

export type Handler = (ctx: ApiContext) => Promise<void> | void;

export interface UpgradeRequest {
  req: http.IncomingMessage;
  socket: Duplex;
  head: Buffer;
  url: URL;
  target: ResourceTarget;
  lab: LabControl;
}
export type UpgradeHandler = (upgrade: UpgradeRequest) => Promise<void> | void;

/** Subresources of a Namespace: /api/v1/namespaces/NAME/status is the Namespace's, /api/v1/namespaces/NAME/pods is not. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** The resource a path names; undefined for a path that is not under a served group and version. Throws 404 for an unknown resource. */
export function parseTarget(pathname: string): ResourceTarget | undefined {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1], segments.slice(2)];
  else if (segments[0] === 'apis') [group, version, rest] = [segments[1] ?? '', segments[2], segments.slice(3)];
  else return undefined;
  if (!version || rest.length === 0) return undefined;
  if (!servedGroups().some((g) => g.group === group && g.version === version)) throw noSuchResource();
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = findResource(group, version, rest[0]!);
  if (!resource || (namespace !== undefined && !resource.namespaced)) throw noSuchResource();
  return { resource, namespace, name: rest[1], subresource: rest[2] };
}

interface FixedRoute {
  method: string;
  path: string;
  prefix: boolean;
  handler: Handler;
}

export class Router {
  private readonly fixed: FixedRoute[] = [];
  private resourceHandler?: Handler;
  private readonly subresources = new Map<string, Handler>();
  private readonly upgrades = new Map<string, UpgradeHandler>();

  route(method: string, path: string, handler: Handler, options: { prefix?: boolean } = {}): void {
    this.fixed.push({ method, path, prefix: options.prefix ?? false, handler });
  }

  resources(handler: Handler): void {
    this.resourceHandler = handler;
  }

  subresource(plural: string, name: string, handler: Handler): void {
    this.subresources.set(`${plural}/${name}`, handler);
  }

  upgrade(plural: string, name: string, handler: UpgradeHandler): void {
    this.upgrades.set(`${plural}/${name}`, handler);
  }

  async dispatch(ctx: ApiContext): Promise<void> {
    try {
      const handler = this.handlerFor(ctx);
      await handler(ctx);
    } catch (error) {
      if (error instanceof ApiError) ctx.fail(error);
      else {
        console.error(`api server: ${ctx.method} ${ctx.url.pathname} failed: ${(error as Error).stack ?? error}`);
        ctx.fail(new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`));
      }
    }
  }

  private handlerFor(ctx: ApiContext): Handler {
    const path = ctx.url.pathname.replace(/\/+$/, '') || '/';
    const fixed = this.fixed.filter((r) => (r.prefix ? path.startsWith(r.path) : path === r.path));
    if (fixed.length) {
      const route = fixed.find((r) => r.method === ctx.method || r.method === '*');
      if (!route) throw methodNotAllowed();
      return route.handler;
    }
    const target = parseTarget(path);
    if (!target) throw noSuchResource();
    ctx.target = target;
    if (target.subresource === undefined) {
      if (!this.resourceHandler) throw noSuchResource();
      return this.resourceHandler;
    }
    const handler = this.subresources.get(`${target.resource.plural}/${target.subresource}`);
    if (!handler || target.name === undefined) throw noSuchResource();
    return handler;
  }

  /** The handler of a WebSocket upgrade, or the error to refuse it with. */
  upgradeFor(url: URL): { handler: UpgradeHandler; target: ResourceTarget } | ApiError {
    try {
      const target = parseTarget(url.pathname);
      const handler = target?.subresource ? this.upgrades.get(`${target.resource.plural}/${target.subresource}`) : undefined;
      return target && handler ? { handler, target } : noSuchResource();
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
  }
}
