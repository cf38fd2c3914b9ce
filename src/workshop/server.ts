// The workshop server: node:http, no framework. It serves the scoreboard page,
// the board as JSON and as a Server-Sent Events stream, joins, signed reports,
// and the trainer's exports and "end". Every refusal is a 4xx with
// {"error": one sentence}; nothing a client sends can throw out of a handler.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { exportCsv, exportJson } from './export.js';
import { joinPage, PAGE_CSP, scoreboardPage } from './page.js';
import { endRoom, isRejection, joinRoom, recordEvent, rejection, roomOpen, type Rejection, type Room } from './room.js';
import { saveRoom } from './room-file.js';
import { buildBoard } from './scoreboard.js';
import { SIGNATURE_HEADER } from './signing.js';
import { checkSubmission } from './submission.js';
import { adminToken, attendeeToken, sameSecret } from './tokens.js';
import { sameJoinCode } from './join-code.js';
import { firstIssue } from './zod-issue.js';
import { loadAssets } from './hosting/assets.js';
import { HOSTED_PAGE_CSP, hostedJoinPage, PAGE_SCRIPTS } from './hosting/attendee-page.js';
import { hostedRoute } from './hosting/hosted-routes.js';
import { LabHost, type ShellFor } from './hosting/lab-host.js';
import { prepareHostingRoot } from './hosting/attendee-dirs.js';
import { TERMINAL_PATH, terminalSockets } from './hosting/terminal-socket.js';

/** A report is a few hundred bytes; anything near this is not from netbreak. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Browsers showing the board; each holds a connection open. */
const MAX_STREAMS = 500;
const HEARTBEAT_MS = 15_000;

const JoinRequest = z.object({ code: z.string().min(1).max(64), name: z.string().min(1).max(64) });

export interface WorkshopServerOptions {
  room: Room;
  /** Where the room is saved after every change; undefined keeps it in memory (tests). */
  file?: string;
  host: string;
  port: number;
  /** One line per join, report and refusal, for the trainer's terminal. */
  log?: (line: string) => void;
  now?: () => number;
  /** Host every attendee's lab and terminal on this machine (`--host-labs`): their shell's confinement, and where their folders go. */
  hostLabs?: { shellFor: ShellFor; root?: string; install: string };
}

export interface WorkshopServer {
  port: number;
  host: string;
  /** Stops accepting, ends every open stream and connection, and resolves when the server is closed. */
  close(): Promise<void>;
}

type Reply = { status: number; type: string; body: string | Buffer; headers?: Record<string, string> };

const json = (status: number, value: unknown): Reply => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) });
const refuse = (r: Rejection): Reply => json(r.status, { error: r.error });

/** Reads the body up to the limit; a larger body is refused without reading it all. */
function readBody(req: http.IncomingMessage): Promise<string | Rejection> {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return Promise.resolve(rejection(413, `the body is ${declared} bytes; the limit is ${MAX_BODY_BYTES}`));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        resolve(rejection(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve(rejection(400, 'the request body could not be read'));
      done = true;
    });
  });
}

/** A path segment as text; a malformed %-escape stays as typed (and matches nothing). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isJson(req: http.IncomingMessage): boolean {
  return /^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

function bearer(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** The address attendees used to reach us, for the links the server hands out. */
function origin(req: http.IncomingMessage): string {
  const host = req.headers.host && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  return `http://${host}`;
}

export async function startWorkshopServer(options: WorkshopServerOptions): Promise<WorkshopServer> {
  const { room } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const streams = new Set<http.ServerResponse>();
  const admin = adminToken(room.secret);
  let port = options.port;
  // The attendee's netbreak, on this machine, reports here: loopback unless the trainer bound one address.
  const reportHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  const host = options.hostLabs
    ? new LabHost({
        room,
        reportTo: () => `http://${reportHost}:${port}`,
        port: () => port,
        shellFor: options.hostLabs.shellFor,
        changed: () => broadcast(),
        log,
        root: options.hostLabs.root,
      })
    : undefined;
  if (host && options.hostLabs) prepareHostingRoot(host.root, options.hostLabs.install);
  const assets = host ? loadAssets(PAGE_SCRIPTS) : new Map();
  const sockets = host
    ? terminalSockets((token) => {
        const hosted = host.byToken(token);
        return hosted && { name: hosted.attendee.name, terminal: hosted.terminal };
      }, log)
    : undefined;

  /** The scoreboard, and with hosted labs each attendee's lab health (by name). */
  const board = () => (host ? { ...buildBoard(room, now()), labs: host.health() } : buildBoard(room, now()));
  const save = () => {
    if (!options.file) return;
    try {
      saveRoom(options.file, room);
    } catch (error) {
      log(`could not save the room to ${options.file}: ${(error as Error).message}`);
    }
  };
  const broadcast = () => {
    const data = `event: board\ndata: ${JSON.stringify(board())}\n\n`;
    for (const res of streams) res.write(data);
  };
  const changed = () => {
    save();
    broadcast();
  };

  const isAdmin = (req: http.IncomingMessage) => {
    const token = bearer(req);
    return token !== undefined && sameSecret(token, admin);
  };
  const needAdmin = () => rejection(401, 'this needs the trainer\'s admin token (Authorization: Bearer TOKEN), printed by "netbreak workshop serve"');

  async function postJoin(req: http.IncomingMessage): Promise<Reply> {
    if (!isJson(req)) return refuse(rejection(415, 'send the join request as application/json'));
    const body = await readBody(req);
    if (isRejection(body)) return refuse(body);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return refuse(rejection(400, 'the body is not valid JSON: send {"code": …, "name": …}'));
    }
    const request = JoinRequest.safeParse(value);
    if (!request.success) return refuse(rejection(400, `the join request is malformed (${firstIssue(request.error)})`));
    const joined = joinRoom(room, request.data, now());
    if (isRejection(joined)) return refuse(joined);
    changed();
    log(`${joined.attendee.name} joined (${room.attendees.length} attendee${room.attendees.length === 1 ? '' : 's'})`);
    host?.host(joined.attendee);
    return json(201, {
      room: { id: room.id, title: room.title, scenarios: room.scenarios, endsAt: room.endsAt },
      attendee: { id: joined.attendee.id, name: joined.attendee.name },
      token: attendeeToken(room.secret, joined.attendee.id),
      seeds: joined.seeds,
      serverTime: now(),
    });
  }

  async function postEvent(req: http.IncomingMessage, path: string): Promise<Reply> {
    if (!isJson(req)) return refuse(rejection(415, 'send reports as application/json'));
    const body = await readBody(req);
    if (isRejection(body)) return refuse(body);
    const checked = checkSubmission(room, { method: 'POST', path, body, signature: req.headers[SIGNATURE_HEADER] as string | undefined }, now());
    if (isRejection(checked)) return refuse(checked);
    const refused = recordEvent(room, checked.attendee, checked.event, now());
    if (refused) {
      save(); // the nonce is spent either way
      return refuse(refused);
    }
    changed();
    const s = checked.event.session;
    log(
      `${checked.attendee.name}: ${checked.event.type} ${s.scenario}${checked.event.type === 'diagnosed' && s.diagnosis ? ` (${s.diagnosis.total}/100)` : ''}${checked.event.type === 'checked' && s.lastCheck ? (s.lastCheck.passed ? ' (passed)' : ' (failing)') : ''}`,
    );
    return json(200, { ok: true });
  }

  function stream(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (streams.size >= MAX_STREAMS) {
      send(res, refuse(rejection(503, `the scoreboard already has ${MAX_STREAMS} viewers: close some, or read /api/board`)));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\nevent: board\ndata: ${JSON.stringify(board())}\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<Reply | undefined> {
    const url = new URL(req.url ?? '/', 'http://workshop');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const only = (allowed: string) => (method === allowed ? undefined : refuse(rejection(405, `${path} takes ${allowed}, not ${method}`)));
    const join = /^\/join\/([^/]+)$/.exec(path);
    if (path === '/')
      return only('GET') ?? { status: 200, type: 'text/html; charset=utf-8', body: scoreboardPage(), headers: { 'content-security-policy': PAGE_CSP } };
    if (join) {
      const wrong = only('GET');
      if (wrong) return wrong;
      if (!sameJoinCode(safeDecode(join[1]!), room.joinCode))
        return refuse(rejection(404, "that join code is not this workshop's: check the URL the trainer shows"));
      return {
        status: 200,
        type: 'text/html; charset=utf-8',
        body: host ? hostedJoinPage(room.title) : joinPage(room.title, `${origin(req)}${path}`),
        headers: { 'content-security-policy': host ? HOSTED_PAGE_CSP : PAGE_CSP },
      };
    }
    if (path === '/api/board') return only('GET') ?? json(200, board());
    if (path === '/api/stream') {
      const wrong = only('GET');
      if (wrong) return wrong;
      stream(req, res);
      return undefined;
    }
    if (path === '/api/join') return only('POST') ?? (await postJoin(req));
    if (path === '/api/events') return only('POST') ?? (await postEvent(req, path));
    if (path === '/api/export.csv' || path === '/api/export.json') {
      const wrong = only('GET');
      if (wrong) return wrong;
      if (!isAdmin(req)) return refuse(needAdmin());
      if (path.endsWith('.csv'))
        return {
          status: 200,
          type: 'text/csv; charset=utf-8',
          body: exportCsv(room, now()),
          headers: { 'content-disposition': `attachment; filename="netbreak-workshop-${room.id}.csv"` },
        };
      return json(200, exportJson(room, now()));
    }
    if (path === '/api/end') {
      const wrong = only('POST');
      if (wrong) return wrong;
      if (!isAdmin(req)) return refuse(needAdmin());
      const wasOpen = roomOpen(room, now());
      endRoom(room, now());
      changed();
      if (wasOpen) log('the trainer ended the workshop');
      // Every attendee's shell and lab end with the room; the board shows each lab as it goes.
      if (host) void host.endAll();
      return json(200, { endedAt: room.endedAt });
    }
    const hosted = host && hostedRoute({ host, assets, title: () => room.title, isAdmin, bearer }, req, path, room.scenarios);
    if (hosted) return hosted;
    return refuse(rejection(404, `there is no ${path} here: the scoreboard is at /`));
  }

  function send(res: http.ServerResponse, reply: Reply): void {
    if (res.headersSent) return;
    res.writeHead(reply.status, { 'content-type': reply.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...reply.headers });
    res.end(reply.body);
  }

  const server = http.createServer((req, res) => {
    route(req, res)
      .then((reply) => {
        if (!reply) return;
        if (reply.status >= 400) log(`refused ${req.method} ${req.url} from ${req.socket.remoteAddress}: ${JSON.parse(String(reply.body)).error}`);
        // A refused upload may still be arriving: close the connection after answering rather than read it.
        if (reply.status === 413) res.setHeader('connection', 'close');
        send(res, reply);
      })
      .catch((error: unknown) => {
        log(`error answering ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
        send(res, json(500, { error: 'the workshop server failed on this request (see its terminal); try again' }));
      });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://workshop').pathname;
    if (sockets && path === TERMINAL_PATH) return sockets.upgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n{"error":"there is no WebSocket here"}');
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A connection that timed out is often a browser's spare, preconnected socket that never sent a
    // request: answering it would leave a stale 400 for the browser to read when it later uses the socket.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n{"error":"the request is not valid HTTP"}');
  });

  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // When the time is up, the open boards learn it without waiting for the next report.
  let ending: NodeJS.Timeout | undefined;
  if (room.endsAt && roomOpen(room, now())) {
    ending = setTimeout(broadcast, Math.min(Date.parse(room.endsAt) - now() + 50, 2 ** 31 - 1));
    ending.unref();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  return {
    port: address.port,
    host: options.host,
    close: async () => {
      sockets?.close();
      await host?.endAll();
      await new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        if (ending) clearTimeout(ending);
        for (const res of streams) res.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
