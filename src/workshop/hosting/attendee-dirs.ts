// Where a hosted attendee's things live on the trainer's machine: a home (theirs,
// writable from their terminal; their netbreak data folder, with the membership
// the room writes for them, is inside it) and a lab state folder (the lab the
// room starts for them as the trainer's user). Each is 0700: no other account
// on the machine reads them.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../../history/data-dir.js';
import { stateRoot } from '../../lab/state.js';

export interface AttendeeDirs {
  home: string;
  stateDir: string;
}

/** The folders of one room's hosted attendees: homes with the trainer's data, labs with the trainer's labs. */
export function hostingRoots(roomId: string, env: NodeJS.ProcessEnv = process.env): { homes: string; states: string } {
  return { homes: path.join(dataDir(env), 'workshop-homes', roomId), states: path.join(stateRoot(env), 'hosted', roomId) };
}

export function attendeeDirs(roots: { homes: string; states: string }, name: string): AttendeeDirs {
  return { home: path.join(roots.homes, name), stateDir: path.join(roots.states, name) };
}

export function makeAttendeeDirs(dirs: AttendeeDirs): void {
  for (const dir of [dirs.home, dirs.stateDir]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
}

/** The attendee's netbreak data folder as netbreak finds it from their HOME (no NETBREAK_DATA_DIR needed in the shell). */
export function attendeeDataDir(dirs: AttendeeDirs): string {
  return path.join(dirs.home, '.local', 'share', 'netbreak');
}
