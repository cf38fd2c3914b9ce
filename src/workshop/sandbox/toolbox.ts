// What an attendee's shell sees of the trainer's machine: the programs a shell and
// the lab's tools need, read-only, and nothing else of the host's filesystem. The
// view is built from an allowlist, so a file the trainer adds to /home, /root,
// /srv or /var later is never in it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** netbreak's own install (bin/, dist/, node_modules/, scenarios/, clusters/): two folders above src|dist/workshop/sandbox/. */
export const NETBREAK_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Top-level folders of programs and libraries, bound read-only (as symlinks where the host merged them into /usr). */
const PROGRAM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * The bits of /etc a shell and the lab's tools read: users' names, the dynamic linker's cache, Debian's
 * alternatives (iptables is a symlink through /etc/alternatives), readline's and login shells' start files, time
 * zone, protocol names for iptables and ip. Secrets (shadow, ssh keys, the trainer's sudoers) stay out.
 */
const ETC_FILES = [
  'passwd',
  'group',
  'nsswitch.conf',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'alternatives',
  'profile',
  'profile.d',
  'inputrc',
  'terminfo',
  'localtime',
  'timezone',
  'protocols',
  'services',
  'ethertypes',
  'iproute2',
  'host.conf',
  'hosts',
  'environment',
];

/** The bwrap arguments that show the toolbox read-only; every source is one that exists on this machine. */
export function toolboxArgs(): string[] {
  const args: string[] = [];
  for (const dir of PROGRAM_DIRS) {
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  for (const name of ETC_FILES) {
    const file = path.join('/etc', name);
    if (fs.existsSync(file)) args.push('--ro-bind', file, file);
  }
  return args;
}

/**
 * Programs the attendee needs that may live outside the toolbox folders (node from nvm, kubectl in
 * ~/.local/bin): each bound read-only on its own, so only the program, not the folder around it, shows.
 * `names` are looked up on `searchPath`; a name not found there is left out (the shell then says so).
 */
export function outsidePrograms(names: string[], searchPath: string): { name: string; file: string }[] {
  const found: { name: string; file: string }[] = [];
  for (const name of names) {
    for (const dir of searchPath.split(':')) {
      if (!dir) continue;
      const candidate = path.join(dir, name);
      let real: string;
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        real = fs.realpathSync(candidate);
      } catch {
        continue;
      }
      if (!underToolbox(real)) found.push({ name, file: real });
      break;
    }
  }
  return found;
}

function underToolbox(file: string): boolean {
  return PROGRAM_DIRS.some((dir) => file === dir || file.startsWith(`${dir}/`));
}
