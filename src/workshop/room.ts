// A workshop room as the server keeps it: its scenarios, its attendees, what
// each attendee's sessions reported, and the event log. Plain data (saved as
// JSON by room-file.ts) changed by the functions below, which return either
// the result or a rejection with the HTTP status and one sentence for the client.
import { z } from 'zod';
import { LAB_NAME_PATTERN } from '../lab/state.js';
import { newJoinCode, sameJoinCode } from './join-code.js';
import { workshopSeeds } from './seeds.js';
import { mergeSummaries, SessionSummary, type WorkshopEvent } from './session-summary.js';
import { newAttendeeId, newRoomId, newRoomSecret } from './tokens.js';

const ROOM_VERSION = 1;
/** A room of a few hundred is a conference hall; more is a typo or an attack filling the disk. */
const MAX_ATTENDEES = 300;
/** Sessions of one attendee and scenario remembered for the attempts count. */
const MAX_SESSIONS_PER_CELL = 50;
const MAX_EVENTS = 20_000;

const Iso = z.iso.datetime({ offset: true });

const Cell = z.object({
  /** The latest session of this attendee on this scenario, as merged from its reports. */
  session: SessionSummary,
  /** Every session id seen here: how often the attendee started this scenario. */
  sessions: z.array(z.string()),
  updatedAt: Iso,
});
export type Cell = z.infer<typeof Cell>;

const Attendee = z.object({
  id: z.string().min(1),
  name: z.string().regex(LAB_NAME_PATTERN),
  joinedAt: Iso,
  lastSeenAt: Iso,
  cells: z.record(z.string(), Cell),
  /** Nonces seen within the replay window, with the timestamp they came with (ms). */
  nonces: z.record(z.string(), z.number()),
});
export type Attendee = z.infer<typeof Attendee>;

const RoomEvent = z.object({ at: Iso, attendee: z.string(), type: z.string(), scenario: z.string(), session: z.string() });
export type RoomEvent = z.infer<typeof RoomEvent>;

export const Room = z.object({
  v: z.literal(ROOM_VERSION),
  id: z.string().min(1),
  title: z.string(),
  secret: z.string().min(32),
  joinCode: z.string().min(8),
  scenarios: z.array(z.object({ id: z.string(), title: z.string() })).min(1),
  createdAt: Iso,
  endsAt: Iso.nullable(),
  endedAt: Iso.nullable(),
  attendees: z.array(Attendee),
  events: z.array(RoomEvent),
});
export type Room = z.infer<typeof Room>;

/** Why the server refuses a request: the HTTP status and one sentence for the client to print. */
export interface Rejection {
  status: number;
  error: string;
}

export function rejection(status: number, error: string): Rejection {
  return { status, error };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'status' in value && 'error' in value;
}

export interface NewRoom {
  title: string;
  scenarios: { id: string; title: string }[];
  durationMs?: number;
  now?: number;
}

export function createRoom({ title, scenarios, durationMs, now = Date.now() }: NewRoom): Room {
  return {
    v: ROOM_VERSION,
    id: newRoomId(),
    title,
    secret: newRoomSecret(),
    joinCode: newJoinCode(),
    scenarios,
    createdAt: new Date(now).toISOString(),
    endsAt: durationMs ? new Date(now + durationMs).toISOString() : null,
    endedAt: null,
    attendees: [],
    events: [],
  };
}

/** Open for joins and results: not ended by the trainer, and its time not up. */
export function roomOpen(room: Room, now = Date.now()): boolean {
  return room.endedAt === null && (room.endsAt === null || now < Date.parse(room.endsAt));
}

function closedRejection(room: Room): Rejection {
  const when = room.endedAt ?? room.endsAt!;
  return rejection(409, `the workshop "${room.title}" ended at ${when}: results are no longer accepted`);
}

export interface Joined {
  attendee: Attendee;
  seeds: Record<string, number>;
}

export function joinRoom(room: Room, request: { code: string; name: string }, now = Date.now()): Joined | Rejection {
  if (!sameJoinCode(request.code, room.joinCode)) return rejection(403, "that join code is not this workshop's: use the join URL or code the trainer shows");
  if (!roomOpen(room, now)) return closedRejection(room);
  if (!LAB_NAME_PATTERN.test(request.name)) {
    return rejection(400, `the name "${request.name.slice(0, 40)}" is not valid: use 1–20 lower-case letters, digits and dashes (it also names your lab)`);
  }
  if (room.attendees.some((a) => a.name === request.name))
    return rejection(409, `the name ${request.name} is taken in this workshop: pick another with --name`);
  if (room.attendees.length >= MAX_ATTENDEES) return rejection(409, `this workshop is full (${MAX_ATTENDEES} attendees): ask the trainer`);
  const at = new Date(now).toISOString();
  const attendee: Attendee = { id: newAttendeeId(), name: request.name, joinedAt: at, lastSeenAt: at, cells: {}, nonces: {} };
  room.attendees.push(attendee);
  return {
    attendee,
    seeds: workshopSeeds(
      room.secret,
      attendee.id,
      room.scenarios.map((s) => s.id),
    ),
  };
}

export function findAttendee(room: Room, id: string): Attendee | undefined {
  return room.attendees.find((a) => a.id === id);
}

/**
 * Records an accepted report. The cell follows the attendee's latest session:
 * reports of the same session merge, a session that started later replaces the
 * cell (a restart), a report of an older session only goes to the log.
 */
export function recordEvent(room: Room, attendee: Attendee, event: WorkshopEvent, now = Date.now()): Rejection | undefined {
  if (!roomOpen(room, now)) return closedRejection(room);
  const { session } = event;
  if (!room.scenarios.some((s) => s.id === session.scenario)) {
    return rejection(422, `scenario ${session.scenario} is not part of this workshop (it has ${room.scenarios.map((s) => s.id).join(', ')})`);
  }
  const at = new Date(now).toISOString();
  attendee.lastSeenAt = at;
  const cell = attendee.cells[session.scenario];
  if (!cell) attendee.cells[session.scenario] = { session, sessions: [session.id], updatedAt: at };
  else if (cell.session.id === session.id) {
    cell.session = mergeSummaries(cell.session, session);
    cell.updatedAt = at;
  } else if (Date.parse(session.startedAt) > Date.parse(cell.session.startedAt)) {
    cell.session = session;
    cell.sessions = [...cell.sessions.filter((id) => id !== session.id), session.id].slice(-MAX_SESSIONS_PER_CELL);
    cell.updatedAt = at;
  } else if (!cell.sessions.includes(session.id)) {
    cell.sessions = [session.id, ...cell.sessions].slice(-MAX_SESSIONS_PER_CELL);
  }
  room.events.push({ at, attendee: attendee.name, type: event.type, scenario: session.scenario, session: session.id });
  if (room.events.length > MAX_EVENTS) room.events.splice(0, room.events.length - MAX_EVENTS);
  return undefined;
}

export function endRoom(room: Room, now = Date.now()): void {
  if (room.endedAt !== null) return;
  // A room whose time ran out ended then, not when the trainer pressed the button.
  const end = room.endsAt === null ? now : Math.min(now, Date.parse(room.endsAt));
  room.endedAt = new Date(end).toISOString();
}
