// Whether this machine lets the caller make the user namespace a lab lives in.
// Three switches can forbid it: user.max_user_namespaces=0 (everyone, root too),
// Debian's kernel.unprivileged_userns_clone=0 and Ubuntu 23.10+'s
// kernel.apparmor_restrict_unprivileged_userns=1 (ordinary users only; the last one
// lets the namespace be made but takes its capabilities away, unless an AppArmor
// profile allows it, so it is decided by trying). Each answer is one sentence with
// the ways out.
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../exec.js';
import { insideIds } from './holder.js';

/** Reads a sysctl by its dotted name; undefined when this kernel has no such switch. */
export type SysctlReader = (name: string) => string | undefined;

/**
 * Sysctls as files under /proc/sys. NETBREAK_PROC_SYS points at another folder of
 * the same shape, so tests can show what `doctor` and `start` say on a machine
 * with these switches off without changing this machine's kernel.
 */
export function procSysReader(root = process.env.NETBREAK_PROC_SYS || '/proc/sys'): SysctlReader {
  return (name) => {
    try {
      return fs.readFileSync(path.join(root, ...name.split('.')), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
}

const AS_ROOT = 'or run netbreak as root (sudo), which is always allowed';

/** Why `unshare --user` (with capabilities inside) will not work for this caller, or undefined when it should. */
export function userNamespaceBlocked(read: SysctlReader, root: boolean): string | undefined {
  if (read('user.max_user_namespaces') === '0') {
    return (
      'the netns lab runs each lab in a user namespace of its own, and this machine allows none (user.max_user_namespaces=0): ' +
      'allow them with "sudo sysctl -w user.max_user_namespaces=15000" (and the same line in /etc/sysctl.d/ to keep it)'
    );
  }
  if (root) return undefined;
  if (read('kernel.unprivileged_userns_clone') === '0') {
    return (
      'the netns lab runs each lab in a user namespace of its own, which this machine allows only root to make (kernel.unprivileged_userns_clone=0): ' +
      `allow it with "sudo sysctl -w kernel.unprivileged_userns_clone=1" (and the same line in /etc/sysctl.d/ to keep it), ${AS_ROOT}`
    );
  }
  return undefined;
}

/** The sentence for Ubuntu's AppArmor restriction, once trying showed that it applies to us. */
export const APPARMOR_BLOCKED =
  'the netns lab runs each lab in a user namespace of its own, in which AppArmor takes every capability away from ordinary users here ' +
  '(kernel.apparmor_restrict_unprivileged_userns=1): ' +
  'load the AppArmor profile of docs/rootless.md that allows user namespaces for /usr/bin/unshare, or allow them for everyone with ' +
  `"sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0", ${AS_ROOT}`;

/** Tries what a lab does first: a user and network namespace in which the caller, not root, adds a veth pair. */
async function canMakeLabNamespaces(): Promise<boolean> {
  const ids = insideIds();
  const namespaces = ['unshare', '--user', `--map-user=${ids.uid}`, `--map-group=${ids.gid}`, '--keep-caps', '--net'];
  const result = await run([...namespaces, 'ip', 'link', 'add', 'nb-probe', 'type', 'veth', 'peer', 'name', 'nb-probe1']);
  return result.exitCode === 0;
}

/** Why no lab can start here as this user, as one sentence with the ways out; undefined when labs can start. */
export async function userNamespaceProblem(
  read: SysctlReader = procSysReader(),
  root = process.getuid?.() === 0,
  tryIt = canMakeLabNamespaces,
): Promise<string | undefined> {
  const blocked = userNamespaceBlocked(read, root);
  if (blocked) return blocked;
  if (!root && read('kernel.apparmor_restrict_unprivileged_userns') === '1' && !(await tryIt())) return APPARMOR_BLOCKED;
  return undefined;
}
