// Checking a signed report before it touches the room. The order matters: the
// body must be an envelope before the attendee it names can be looked up, the
// signature must hold before anything in it is believed, and only a genuine
// request is remembered as seen (so a forger cannot burn a real nonce).
import { z } from 'zod';
import { attendeeToken } from './tokens.js';
import { verifyRequest } from './signing.js';
import { findAttendee, rejection, type Attendee, type Rejection, type Room } from './room.js';
import { WorkshopEvent } from './session-summary.js';
import { firstIssue } from './zod-issue.js';

export const SUBMISSION_VERSION = 1;
/**
 * How far a timestamp may be from the server's clock. The client corrects its
 * clock by the server's time at join, so this only has to cover the network
 * and the seconds a command runs.
 */
const REPLAY_WINDOW_MS = 5 * 60_000;

const Envelope = z.object({
  v: z.literal(SUBMISSION_VERSION),
  attendee: z.string().min(1).max(64),
  nonce: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
  ts: z.number().int().positive(),
  event: z.unknown(),
});

export interface SignedRequest {
  method: string;
  path: string;
  body: string;
  signature: string | undefined;
}

export interface Accepted {
  attendee: Attendee;
  event: WorkshopEvent;
}

export function checkSubmission(room: Room, request: SignedRequest, now = Date.now()): Accepted | Rejection {
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    return rejection(400, 'the body is not valid JSON: send the report as a JSON object');
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return rejection(400, `the report is malformed (${firstIssue(envelope.error)}): send it with netbreak's own client`);
  const { attendee: id, nonce, ts } = envelope.data;
  const attendee = findAttendee(room, id);
  if (!attendee) return rejection(401, 'this workshop has no such attendee: run "netbreak workshop join" with the trainer\'s URL again');
  if (!verifyRequest(attendeeToken(room.secret, id), request.method, request.path, request.body, request.signature)) {
    return rejection(
      401,
      `the signature does not match attendee ${attendee.name}'s token: only ${attendee.name}'s own netbreak can report as ${attendee.name}`,
    );
  }
  if (Math.abs(now - ts) > REPLAY_WINDOW_MS) {
    return rejection(
      400,
      `the report's timestamp is ${Math.round(Math.abs(now - ts) / 1000)} s away from the server's clock: it is stale or replayed; netbreak sends reports fresh, so run the command again`,
    );
  }
  forgetOldNonces(attendee, now);
  if (nonce in attendee.nonces) return rejection(409, 'this report was already received (its nonce was used before): a replayed request is ignored');
  const event = WorkshopEvent.safeParse(envelope.data.event);
  if (!event.success) return rejection(400, `the report's event is malformed (event.${firstIssue(event.error)})`);
  attendee.nonces[nonce] = ts;
  return { attendee, event: event.data };
}

/** A nonce older than the window can never be replayed (its timestamp would be refused), so it need not be kept. */
function forgetOldNonces(attendee: Attendee, now: number): void {
  for (const [nonce, ts] of Object.entries(attendee.nonces)) if (Math.abs(now - ts) > REPLAY_WINDOW_MS) delete attendee.nonces[nonce];
}
