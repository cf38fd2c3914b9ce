// Where the workshop keeps its files, in the data folder (see history/data-dir.ts):
// the attendee's membership and unsent reports, and the trainer's saved room.
// Kept apart from the modules that read them, so that every command can check
// for a membership without loading them.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../history/data-dir.js';

/** One stat: whether this user joined a workshop, before loading any workshop module. */
export function joinedWorkshop(env: NodeJS.ProcessEnv = process.env): boolean {
  return fs.existsSync(membershipFile(env));
}

export function membershipFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'workshop.json');
}

export function outboxFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'workshop-outbox.json');
}

export function roomFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'workshop-room.json');
}
