// Where a learner's own data lives (their history of finished sessions): the
// XDG data directory, because it outlives any lab and belongs to the person,
// not to the machine's run state.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DataDirEnv {
  NETBREAK_DATA_DIR?: string;
  XDG_DATA_HOME?: string;
  HOME?: string;
  SUDO_USER?: string;
  SUDO_UID?: string;
  SUDO_GID?: string;
}

/** The account whose data this is, when netbreak runs as root through sudo: the learner, not root. */
export interface DataOwner {
  uid: number;
  gid: number;
  home: string;
}

/**
 * The user sudo was called by, with their home from the passwd file. The lab
 * needs root, and `sudo` resets HOME to /root; without this the history would
 * land in root's home and `netbreak progress` run as the learner would find none.
 */
export function sudoOwner(env: DataDirEnv = process.env, uid = process.getuid?.() ?? -1, passwd = readPasswd): DataOwner | undefined {
  if (uid !== 0 || !env.SUDO_USER || env.SUDO_USER === 'root' || !env.SUDO_UID) return undefined;
  const line = passwd()
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === env.SUDO_USER && f[2] === env.SUDO_UID);
  if (!line?.[5]) return undefined;
  return { uid: Number(env.SUDO_UID), gid: Number(env.SUDO_GID ?? line[3]), home: line[5] };
}

function readPasswd(): string {
  try {
    return fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}

/** `$NETBREAK_DATA_DIR`, else `$XDG_DATA_HOME/netbreak`, else `~/.local/share/netbreak` (the sudo caller's home under sudo). */
export function dataDir(env: DataDirEnv = process.env, owner = sudoOwner(env)): string {
  if (env.NETBREAK_DATA_DIR) return path.resolve(env.NETBREAK_DATA_DIR);
  if (env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)) return path.join(env.XDG_DATA_HOME, 'netbreak');
  const home = owner?.home ?? env.HOME ?? os.homedir();
  return path.join(home, '.local', 'share', 'netbreak');
}

export const HISTORY_FILE = 'history.jsonl';

export function historyFile(env: DataDirEnv = process.env): string {
  return path.join(dataDir(env), HISTORY_FILE);
}
