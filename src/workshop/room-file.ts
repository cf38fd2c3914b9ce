// The room on disk, so a server restarted (a laptop that slept, a Ctrl-C) keeps
// its attendees, their seeds and the scores. Written whole and atomically after
// every change; readable only by the trainer, because it holds the room secret.
import fs from 'node:fs';
import path from 'node:path';
import { Room } from './room.js';
import { readJsonFile } from './json-file.js';
import { writeFileAtomically } from '../atomic-write.js';

/** The saved room, or undefined when there is none; a damaged file is an error that says what to do. */
export function loadRoom(file: string): Room | undefined {
  return readJsonFile(file, Room, 'a netbreak workshop room', 'move it away, or start a new room with --new');
}

export function saveRoom(file: string, room: Room): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomically(file, JSON.stringify(room), { mode: 0o600, durable: true });
}

/** Keeps an old room beside the new one (`workshop-room.<created>.json`) rather than deleting anyone's scores. */
export function archiveRoom(file: string, room: Room): string {
  const stamp = room.createdAt.replace(/[:.]/g, '-');
  const archived = path.join(path.dirname(file), `${path.basename(file, '.json')}.${stamp}.json`);
  fs.renameSync(file, archived);
  return archived;
}
