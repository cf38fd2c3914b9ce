// The lab's own /run, made by its supervisor first thing, inside the lab's mount
// namespace (holder.ts): a tmpfs over /run, so that `ip netns add` pins the lab's
// network namespaces in a /run/netns nobody outside sees, with every entry of the
// machine's /run bind-mounted back in (the state folder of root's labs, the target
// of a systemd-resolved /etc/resolv.conf, the user's runtime folder). mount(2) is
// called through koffi: the entries are many, and a `mount` process for each would
// cost a few milliseconds apiece.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;

type MountCall = (source: string | null, target: string, fstype: string | null, flags: number, data: string | null) => number;

export async function loadMount(): Promise<{ mount: MountCall; errno: () => number }> {
  const { default: koffi } = await import('koffi');
  const signature = 'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)';
  const mount = koffi.load(null).func(signature) as MountCall;
  return { mount, errno: () => koffi.errno() };
}

export function errnoName(errno: number): string {
  return Object.entries(os.constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
}

/**
 * Replaces /run with a private tmpfs holding an empty /run/netns and the machine's
 * other /run entries. Returns the entries that could not be brought back (kept for
 * the supervisor's log): the lab works without them.
 */
export async function makePrivateRun(run = '/run'): Promise<string[]> {
  const { mount, errno } = await loadMount();
  // The machine's /run stays reachable through this descriptor once the tmpfs covers it.
  const old = fs.openSync(run, 'r');
  const oldPath = `/proc/self/fd/${old}`;
  try {
    if (mount('netbreak-lab', run, 'tmpfs', 0, 'mode=0755') !== 0) throw new Error(`mounting a tmpfs over ${run} failed: ${errnoName(errno())}`);
    const skipped: string[] = [];
    for (const entry of fs.readdirSync(oldPath)) {
      if (entry === 'netns') continue;
      const from = path.join(oldPath, entry);
      const to = path.join(run, entry);
      try {
        const stat = fs.lstatSync(from);
        if (stat.isSymbolicLink()) {
          fs.symlinkSync(fs.readlinkSync(from), to);
          continue;
        }
        if (stat.isDirectory()) fs.mkdirSync(to);
        else fs.writeFileSync(to, '');
        if (mount(from, to, null, MS_BIND | MS_REC, null) !== 0) skipped.push(`${to} (${errnoName(errno())})`);
      } catch (error) {
        skipped.push(`${to} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    fs.mkdirSync(path.join(run, 'netns'));
    return skipped;
  } finally {
    fs.closeSync(old);
  }
}
