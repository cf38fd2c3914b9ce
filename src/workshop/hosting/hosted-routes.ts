// The HTTP side of hosted labs: the join form and lab page, the terminal's
// assets, the attendee's own view of their lab (Authorization: Bearer
// their token), "next scenario", and the trainer's "reset lab". The terminal
// itself is a WebSocket (terminal-socket.ts).
import type http from 'node:http';
import { HOSTED_PAGE_CSP, labPage } from './attendee-page.js';
import type { Asset } from './assets.js';
import type { HostedAttendee, LabHost } from './lab-host.js';

/** The same shape as the server's replies. */
export interface HostedReply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown): HostedReply => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) });
const error = (status: number, sentence: string) => json(status, { error: sentence });
const html = (body: string): HostedReply => ({ status: 200, type: 'text/html; charset=utf-8', body, headers: { 'content-security-policy': HOSTED_PAGE_CSP } });

export interface HostedRouteContext {
  host: LabHost;
  assets: Map<string, Asset>;
  title: () => string;
  isAdmin: (req: http.IncomingMessage) => boolean;
  bearer: (req: http.IncomingMessage) => string | undefined;
}

function attendeeView(host: LabHost, hosted: HostedAttendee, scenarios: { id: string; title: string }[]) {
  return {
    name: hosted.attendee.name,
    scenarios,
    index: hosted.scenarioIndex,
    lab: hosted.health,
    brief: hosted.brief,
    fixed: host.isFixed(hosted),
    last: hosted.scenarioIndex === scenarios.length - 1,
  };
}

/** The reply for a hosted-labs path, or undefined when the path is not one of them. */
export function hostedRoute(
  context: HostedRouteContext,
  req: http.IncomingMessage,
  path: string,
  scenarios: { id: string; title: string }[],
): HostedReply | undefined {
  const method = req.method ?? 'GET';
  const asset = context.assets.get(path);
  if (asset) return method === 'GET' ? { status: 200, type: asset.type, body: asset.body, headers: { 'cache-control': 'max-age=3600' } } : undefined;
  if (path === '/lab') return method === 'GET' ? html(labPage(context.title())) : error(405, `${path} takes GET, not ${method}`);
  if (path === '/api/host/me' || path === '/api/host/next') {
    const token = context.bearer(req);
    const hosted = token ? context.host.byToken(token) : undefined;
    if (!hosted) return error(401, 'this browser is not an attendee of this workshop (or the room ended): open the join link again');
    if (path === '/api/host/me') return method === 'GET' ? json(200, attendeeView(context.host, hosted, scenarios)) : error(405, `${path} takes GET`);
    if (method !== 'POST') return error(405, `${path} takes POST, not ${method}`);
    const refused = context.host.next(hosted);
    return refused ? error(409, refused) : json(202, { starting: scenarios[hosted.scenarioIndex + 1]?.id ?? null });
  }
  const reset = /^\/api\/host\/reset\/([a-z0-9-]{1,20})$/.exec(path);
  if (reset) {
    if (method !== 'POST') return error(405, `${path} takes POST, not ${method}`);
    if (!context.isAdmin(req))
      return error(401, 'resetting a lab needs the trainer\'s admin token (Authorization: Bearer TOKEN), printed by "netbreak workshop serve"');
    const hosted = context.host.findByName(reset[1]!);
    if (!hosted) return error(404, `no hosted lab for ${reset[1]}: the attendee has not joined, or the room ended`);
    context.host.reset(hosted);
    return json(202, { resetting: hosted.attendee.name });
  }
  return undefined;
}
