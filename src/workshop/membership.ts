// An attendee's side of a workshop, in their data folder next to their history:
// which server, who they are there (id and token), their seeds, and the reports
// still to send. Readable by them only, because the token lets anyone report as
// them.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sudoOwner } from '../history/data-dir.js';
import { chownQuietly, ensureDir } from '../history/store.js';
import { WorkshopEvent } from './session-summary.js';
import { membershipFile, outboxFile } from './files.js';
import { readJsonFile } from './json-file.js';

export const Membership = z.object({
  v: z.literal(1),
  /** The server's origin, http://host:port. */
  server: z.string().url(),
  room: z.object({ id: z.string(), title: z.string(), scenarios: z.array(z.object({ id: z.string(), title: z.string() })), endsAt: z.string().nullable() }),
  attendee: z.object({ id: z.string(), name: z.string() }),
  token: z.string().min(16),
  seeds: z.record(z.string(), z.number().int()),
  joinedAt: z.string(),
  /** Server clock minus ours at join: reports carry the server's time, so a laptop whose clock is off is not refused. */
  clockOffsetMs: z.number(),
});
export type Membership = z.infer<typeof Membership>;

/** Reports not delivered yet: the latest per session (each carries the session's whole state), and when to try again. */
const Outbox = z.object({ retryAfter: z.number(), pending: z.array(WorkshopEvent) });
type Outbox = z.infer<typeof Outbox>;

/** The membership, or undefined when not joined; a damaged file is an error that says how to get out of it. */
export function readMembership(file = membershipFile()): Membership | undefined {
  return readJsonFile(file, Membership, 'a workshop membership', 'run "netbreak workshop leave" and join again');
}

/** Writes a private file atomically; under sudo it belongs to the learner, as the history does. */
function writePrivate(file: string, value: unknown): void {
  const owner = sudoOwner();
  ensureDir(path.dirname(file), owner);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  if (owner) chownQuietly(tmp, owner);
  fs.renameSync(tmp, file);
}

export function writeMembership(membership: Membership, file = membershipFile()): void {
  writePrivate(file, membership);
}

/** Removes the membership and its unsent reports; false when there was none. */
export function removeMembership(file = membershipFile(), outbox = outboxFile()): boolean {
  const existed = fs.existsSync(file);
  fs.rmSync(file, { force: true });
  fs.rmSync(outbox, { force: true });
  return existed;
}

/** Unsent reports; a damaged outbox is dropped (the next report carries the same state). */
export function readOutbox(file = outboxFile()): Outbox {
  try {
    const parsed = Outbox.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or unreadable: nothing pending
  }
  return { retryAfter: 0, pending: [] };
}

export function writeOutbox(outbox: Outbox, file = outboxFile()): void {
  if (outbox.pending.length === 0 && outbox.retryAfter === 0) fs.rmSync(file, { force: true });
  else writePrivate(file, outbox);
}
