// Where a hosted attendee's things live on the trainer's machine: a home (theirs,
// writable from their terminal; their netbreak data folder, with the membership
// the room writes for them, is inside it) and a lab state folder (the lab the
// room starts for them). Both belong to the attendees' host user (the trainer's
// own, or nobody when root runs the room: see sandbox/identity.ts) and are 0700.
// They live under the trainer's lab state folder (root's: /run/netbreak), whose
// path every user may search, so that nobody's lab and sandbox can reach them.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { stateRoot } from '../../lab/state.js';
import { giveToAttendee } from '../sandbox/identity.js';

export interface AttendeeDirs {
  home: string;
  stateDir: string;
}

/** The folder of one room's hosted attendees. */
export function hostingRoot(roomId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateRoot(env), 'hosted', roomId);
}

/**
 * Makes the room's folder; under root, checks that attendees (nobody) can reach it and netbreak's install,
 * since their labs and shells run as nobody. Throws a UserError naming the folder otherwise.
 */
export function prepareHostingRoot(root: string, install: string, uid = process.getuid?.() ?? 0): void {
  fs.mkdirSync(root, { recursive: true, mode: 0o711 });
  if (uid !== 0) return;
  fs.chmodSync(root, 0o711);
  for (const [what, dir] of [
    ["the hosted labs' folder", root],
    ["netbreak's install", install],
  ] as const) {
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
      if ((fs.statSync(d).mode & 0o001) === 0)
        throw new UserError(
          `--host-labs as root runs attendees as nobody, who cannot reach ${what} through ${d}: run "chmod o+x ${d}", or set NETBREAK_STATE_DIR (labs) or install netbreak under a folder every user can enter`,
        );
    }
  }
}

export function attendeeDirs(root: string, name: string): AttendeeDirs {
  return { home: path.join(root, 'homes', name), stateDir: path.join(root, 'labs', name) };
}

/** The attendee's netbreak data folder as netbreak finds it from their HOME (no NETBREAK_DATA_DIR needed in the shell). */
export function attendeeDataDir(dirs: AttendeeDirs): string {
  return path.join(dirs.home, '.local', 'share', 'netbreak');
}

/** Makes the attendee's home (with an empty data folder) and lab folder, each the attendees' host user's. */
export function makeAttendeeDirs(dirs: AttendeeDirs): void {
  for (const parent of [path.dirname(dirs.home), path.dirname(dirs.stateDir)]) fs.mkdirSync(parent, { recursive: true, mode: 0o711 });
  const made = [dirs.home, path.join(dirs.home, '.local'), path.join(dirs.home, '.local', 'share'), attendeeDataDir(dirs), dirs.stateDir];
  for (const dir of made) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
    giveToAttendee(dir);
  }
}

/** Writes a file of the attendee's (their membership): 0600, theirs. */
export function writeAttendeeFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  giveToAttendee(tmp);
  fs.renameSync(tmp, file);
}
