// Whose host uid an attendee's processes have. Under an ordinary trainer, the
// trainer's own: the sandbox's user namespace gives them nothing of the trainer's
// beyond what its filesystem view shows. Under root, never root: uid 0 on the host
// would own root's files wherever a mount shows them, and the kernel exempts it
// from the process limit (limits.ts). Root's room runs attendees, their shells and
// their labs, as nobody; each attendee's own namespaces keep them apart.
import fs from 'node:fs';

export interface HostIds {
  uid: number;
  gid: number;
}

/** nobody and nogroup on Debian and Ubuntu. */
const NOBODY: HostIds = { uid: 65534, gid: 65534 };

export function attendeeHostIds(uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0): HostIds {
  return uid === 0 ? NOBODY : { uid, gid };
}

/**
 * The argv that runs `argv` as the attendees' host user: unchanged for an ordinary trainer; for root,
 * through setpriv with no supplementary groups and no capability left to gain back. The room starts an
 * attendee's lab with it too, so their shell can reach the lab's sockets.
 */
export function runAsAttendee(argv: string[], uid = process.getuid?.() ?? 0): string[] {
  if (uid !== 0) return argv;
  const ids = attendeeHostIds(uid);
  return ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--', ...argv];
}

/** Makes the new, empty folder `dir` the attendees' host user's (root's room makes homes and lab state folders with it). */
export function giveToAttendee(dir: string, uid = process.getuid?.() ?? 0): void {
  if (uid !== 0) return;
  const ids = attendeeHostIds(uid);
  fs.chownSync(dir, ids.uid, ids.gid);
}
