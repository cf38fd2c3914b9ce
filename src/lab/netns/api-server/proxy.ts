// pods/proxy and services/proxy: kube-apiserver's HTTP proxy into the pod network
// (`kubectl get --raw /api/v1/namespaces/shop/services/http:api:80/proxy/`, or any
// client behind `kubectl proxy`). The request is sent from the lab's API server to
// the pod's address over the lab's network, as kube-apiserver sends it from the
// control-plane node: NetworkPolicies and everything else on the path apply to it.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { badRequest, methodNotAllowed, notFound } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { API_SERVER_SOURCE_IP } from '../fabric.js';
import { type ProxyLocation, podProxyLocation, serviceProxyLocation, serviceUnavailable, splitSchemeNamePort } from '../../../k8s/proxy-location.js';
import type { ApiContext } from './context.js';
import type { Router } from './router.js';

/** kube-apiserver's proxy dialer gives up on a connection after 30 s. */
export const proxyTimeouts = { dialMs: 30_000 };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Hop-by-hop headers (RFC 9110) are the proxy's own; the bearer token was for the API server, which keeps it. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

/** Go's words for a failed dial, as the proxy reports them (`dial tcp 10.244.1.2:81: connect: connection refused`). */
function dialError(where: string, error: NodeJS.ErrnoException): string {
  const why: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'i/o timeout',
  };
  return `dial tcp ${where}: ${why[error.code ?? ''] ?? error.message}`;
}

/** Opens the connection to the pod, or rejects with the Status kube-apiserver answers when it cannot. */
function dial(location: ProxyLocation): Promise<net.Socket> {
  const where = `${location.host}:${location.port}`;
  const port = Number(location.port);
  if (!(Number.isInteger(port) && port > 0 && port < 65536)) {
    return Promise.reject(serviceUnavailable(`error trying to reach service: dial tcp: lookup tcp/${location.port}: unknown port`));
  }
  return new Promise((resolve, reject) => {
    const options = { host: location.host, port, localAddress: API_SERVER_SOURCE_IP };
    const socket = location.scheme === 'https' ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), proxyTimeouts.dialMs);
    socket.once(location.scheme === 'https' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(serviceUnavailable(`error trying to reach service: ${dialError(where, error)}`));
    });
  });
}

/** What follows `…/pods/NAME/proxy` in the request's path, kept as the client encoded it (an empty string for none). */
function proxiedPath(pathname: string): string {
  const parts = pathname.split('/');
  const at = parts.findIndex((p, i) => p === 'proxy' && i >= 2 && (parts[i - 2] === 'pods' || parts[i - 2] === 'services'));
  return at + 1 < parts.length ? `/${parts.slice(at + 1).join('/')}` : '';
}

async function forward(ctx: ApiContext, location: ProxyLocation): Promise<void> {
  const rest = proxiedPath(ctx.url.pathname);
  // kube-apiserver redirects a GET of the bare …/proxy to …/proxy/, so relative links in the page resolve under it.
  if (rest === '' && ctx.method === 'GET') {
    ctx.res.writeHead(301, { location: `${ctx.url.pathname}/${ctx.url.search}` }).end();
    return;
  }
  const socket = await dial(location);
  const headers: http.OutgoingHttpHeaders = { host: `${location.host}:${location.port}` };
  for (const [name, value] of Object.entries(ctx.req.headers)) if (!NOT_FORWARDED.has(name) && value !== undefined) headers[name] = value;
  const client = ctx.req.socket.remoteAddress;
  headers['x-forwarded-for'] = [ctx.req.headers['x-forwarded-for'], client].filter(Boolean).join(', ');
  await new Promise<void>((resolve, reject) => {
    const upstream = http.request({ method: ctx.method, path: `${rest || '/'}${ctx.url.search}`, headers, createConnection: () => socket });
    upstream.on('response', (response) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(response.headers)) if (!NOT_FORWARDED.has(name) && value !== undefined) out[name] = value;
      ctx.res.writeHead(response.statusCode ?? 502, out);
      response.pipe(ctx.res);
      response.on('end', resolve);
      response.on('error', reject);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const message = error.code === 'ECONNRESET' ? 'EOF' : error.message;
      reject(serviceUnavailable(`error trying to reach service: ${message}`));
    });
    ctx.res.on('close', () => upstream.destroy());
    ctx.req.pipe(upstream);
  });
}

/** The `[scheme:]name[:port]` of the URL, or 400 as kube-apiserver words it for `kind`. */
function parsedId(ctx: ApiContext, kind: 'pod' | 'service'): { name: string; id: string } {
  const id = ctx.target!.name!;
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid ${kind} request "${id}"`);
  return { name: parsed.name, id };
}

function checkMethod(ctx: ApiContext): void {
  if (!METHODS.has(ctx.method)) throw methodNotAllowed();
}

async function podProxy(ctx: ApiContext): Promise<void> {
  checkMethod(ctx);
  const { name, id } = parsedId(ctx, 'pod');
  const pod = ctx.lab.store.get({ kind: 'Pod', namespace: ctx.target!.namespace ?? 'default', name });
  if (!pod) throw notFound({ group: '', plural: 'pods' }, name);
  await forward(ctx, podProxyLocation(pod, id));
}

async function serviceProxy(ctx: ApiContext): Promise<void> {
  checkMethod(ctx);
  const { name, id } = parsedId(ctx, 'service');
  const namespace = ctx.target!.namespace ?? 'default';
  const get = (kind: string, n: string): KubeObject | undefined => ctx.lab.store.get({ kind, namespace, name: n });
  const service = get('Service', name);
  if (!service) throw notFound({ group: '', plural: 'services' }, name);
  const podIP = (ns: string, pod: string) => (ctx.lab.store.get({ kind: 'Pod', namespace: ns, name: pod })?.status as { podIP?: string } | undefined)?.podIP;
  await forward(ctx, serviceProxyLocation(service, get('Endpoints', name), id, podIP));
}

export function registerProxy(router: Router): void {
  router.subresource('pods', 'proxy', podProxy);
  router.subresource('services', 'proxy', serviceProxy);
}
