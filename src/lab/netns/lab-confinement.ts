// A lab started for a hosted workshop's attendee (docs/workshops.md, "Confinement"):
// its supervisor, pods and every shell `kubectl exec` or `kubectl debug` opens in it
// share the lab's mount namespace (holder.ts), which otherwise shows the machine's
// whole filesystem as the trainer's user. With NETBREAK_LAB_CONFINED=1 in the
// environment of `netbreak start`, the supervisor covers the folders where people's
// files live (homes, temporary folders, the per-user and root's lab state under /run)
// with empty tmpfs mounts first thing, and brings back only what the lab runs from:
// its own state folder, netbreak's install and the node binary. The programs of
// /usr, /bin and /lib stay, as the attendee's own sandbox shows them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errnoName, loadMount, MS_BIND, MS_REC } from './lab-mounts.js';

/** The environment variable that asks for it; only "1" does. */
export const CONFINED_ENV = 'NETBREAK_LAB_CONFINED';

/** Where the trainer's, the room's and other attendees' files can be. */
export const HIDDEN_FOLDERS = ['/home', '/root', '/tmp', '/var/tmp', '/srv', '/mnt', '/media', '/opt', '/run/user', '/run/netbreak'];

/** netbreak's own install: three folders above dist/lab/netns/. */
const INSTALL = fileURLToPath(new URL('../../..', import.meta.url));

export function confinementAsked(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CONFINED_ENV] === '1';
}

/** What a confined lab keeps of the hidden folders: its state folder, netbreak's install and node. */
export function keptPaths(stateRoot: string): string[] {
  return [stateRoot, INSTALL, process.execPath].map((p) => fs.realpathSync(p));
}

function under(file: string, dir: string): boolean {
  return file === dir || file.startsWith(`${dir}/`);
}

/**
 * Covers each of `hidden` (that exists as a folder, not a link) with a tmpfs and binds `keep`'s entries under it
 * back from the folder underneath. A folder that is itself kept, or lies inside a kept one, stays as it is.
 * Throws when a folder cannot be covered: a lab asked to be confined does not start unconfined.
 */
export async function hideHostFolders(keep: string[], hidden = HIDDEN_FOLDERS): Promise<void> {
  const { mount, errno } = await loadMount();
  for (const dir of hidden) {
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!stat?.isDirectory() || keep.some((k) => under(dir, k))) continue;
    // Which kept entries are folders is read before the tmpfs covers them.
    const keptUnder = keep.filter((k) => under(k, dir)).map((kept) => ({ kept, isDir: fs.statSync(kept).isDirectory() }));
    // The covered folder stays reachable through this descriptor, to bind the kept entries back from
    // (opened only then: /root is not the lab's user's to open, nor needed).
    const old = keptUnder.length > 0 ? fs.openSync(dir, 'r') : undefined;
    try {
      const mode = stat.mode & 0o7777;
      if (mount('netbreak-confined', dir, 'tmpfs', 0, `mode=${mode.toString(8)}`) !== 0)
        throw new Error(`confining the lab: mounting a tmpfs over ${dir} failed: ${errnoName(errno())}`);
      for (const { kept, isDir } of keptUnder) {
        const relative = path.relative(dir, kept);
        const target = path.join(dir, relative);
        fs.mkdirSync(isDir ? target : path.dirname(target), { recursive: true, mode: 0o755 });
        if (!isDir) fs.writeFileSync(target, '');
        if (mount(path.join(`/proc/self/fd/${old}`, relative), target, null, MS_BIND | MS_REC, null) !== 0)
          throw new Error(`confining the lab: binding ${kept} back failed: ${errnoName(errno())}`);
      }
    } finally {
      if (old !== undefined) fs.closeSync(old);
    }
  }
}
