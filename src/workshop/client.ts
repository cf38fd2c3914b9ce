// The attendee's side of the HTTP API: join, send a signed report, read the
// board. Network trouble (refused, timed out, a 5xx) is WorkshopUnreachableError
// and worth retrying; a 4xx is WorkshopRefusedError with the server's sentence
// and is not.
import { UserError } from '../errors.js';
import { normalizeJoinCode } from './join-code.js';
import type { Membership } from './membership.js';
import type { Board } from './scoreboard.js';
import type { WorkshopEvent } from './session-summary.js';
import { newNonce, signRequest, SIGNATURE_HEADER } from './signing.js';
import { SUBMISSION_VERSION } from './submission.js';

export class WorkshopUnreachableError extends Error {}

export class WorkshopRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  let text: string;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    throw new WorkshopUnreachableError(`${new URL(url).origin} is unreachable (${networkReason(error, timeoutMs)})`, { cause: error });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const sentence = (body as { error?: unknown } | undefined)?.error;
  const message = typeof sentence === 'string' ? sentence : `${new URL(url).origin} answered HTTP ${response.status}, not a netbreak workshop answer`;
  if (response.status >= 500) throw new WorkshopUnreachableError(message);
  if (!response.ok) throw new WorkshopRefusedError(response.status, message);
  if (body === undefined) throw new WorkshopRefusedError(response.status, message);
  return body;
}

/** The server's origin and the join code, from the URL the trainer shows (…/join/CODE) or a bare URL and --code. */
export function parseJoinUrl(text: string, code?: string): { server: string; code: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`"${text}" is not a URL: give the join URL the trainer shows, such as http://192.168.1.20:7300/join/ABCD-EFGH`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`the join URL must start with http:// or https://, not ${url.protocol}//`);
  const fromPath = /^\/join\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  const given = code ?? (fromPath ? decodeURIComponent(fromPath) : undefined);
  if (!given) throw new UserError('the URL has no join code: use the join URL the trainer shows (…/join/ABCD-EFGH), or add --code CODE');
  if (!/^[A-Z0-9]{8}$/.test(normalizeJoinCode(given))) throw new UserError(`"${given}" is not a join code: it looks like ABCD-EFGH`);
  return { server: url.origin, code: given };
}

interface JoinReply {
  room: Membership['room'];
  attendee: Membership['attendee'];
  token: string;
  seeds: Record<string, number>;
  serverTime: number;
}

export async function joinWorkshop(server: string, code: string, name: string, timeoutMs = 5000): Promise<Membership> {
  const sentAt = Date.now();
  const reply = (await call(
    `${server}/api/join`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) },
    timeoutMs,
  )) as JoinReply;
  // The server's clock at the middle of the round trip, minus ours.
  const clockOffsetMs = reply.serverTime - Math.round((sentAt + Date.now()) / 2);
  return {
    v: 1,
    server,
    room: reply.room,
    attendee: reply.attendee,
    token: reply.token,
    seeds: reply.seeds,
    joinedAt: new Date().toISOString(),
    clockOffsetMs,
  };
}

/** Sends one report, signed with the attendee's token, with a fresh nonce and the server's time. */
export async function sendEvent(membership: Membership, event: WorkshopEvent, timeoutMs: number): Promise<void> {
  const path = '/api/events';
  const body = JSON.stringify({ v: SUBMISSION_VERSION, attendee: membership.attendee.id, nonce: newNonce(), ts: Date.now() + membership.clockOffsetMs, event });
  await call(
    `${membership.server}${path}`,
    { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signRequest(membership.token, 'POST', path, body) }, body },
    timeoutMs,
  );
}

export async function fetchBoard(server: string, timeoutMs: number): Promise<Board> {
  return (await call(`${server}/api/board`, { method: 'GET' }, timeoutMs)) as Board;
}
