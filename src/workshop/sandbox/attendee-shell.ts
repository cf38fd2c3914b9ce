// The confinement of one attendee's shell on the trainer's machine (issue #17): the
// argv the room's server spawns in a pseudo-terminal. bubblewrap puts the shell in
// user, pid, mount, IPC, UTS and cgroup namespaces of its own, over a filesystem made
// of the toolbox (read-only), netbreak's install (read-only), the attendee's lab
// state (writable: `netbreak check` records the session there; it and kubectl reach the lab through its sockets)
// and the attendee's home (theirs, writable). The trainer's files, the room file,
// other attendees' homes and labs, and the host's processes are not in that view.
import fs from 'node:fs';
import path from 'node:path';
import { PreflightError, UserError } from '../../errors.js';
import { assertLabName } from '../../lab/state.js';
import { DEFAULT_LIMITS, limitArgv, type SandboxLimits } from './limits.js';
import { attendeeHostIds, runAsAttendee } from './identity.js';
import { NETBREAK_ROOT, outsidePrograms, toolboxArgs } from './toolbox.js';

export interface AttendeeShellOptions {
  /** The attendee's name in the room (1–20 lower-case letters, digits and dashes). */
  attendee: string;
  /** The name of the attendee's lab, under `stateDir`. */
  lab: string;
  /** The attendee's home folder on the host, theirs alone (the room makes it). */
  home: string;
  /** The NETBREAK_STATE_DIR the room started this attendee's lab with: one per attendee, holding only their labs. */
  stateDir: string;
  /** Overrides of the default limits (limits.ts). */
  limits?: Partial<SandboxLimits>;
  /** netbreak's install shown read-only inside (default: the one running); the attendee's user must be able to read it. */
  install?: string;
  /**
   * The port of the room's server on the host's loopback: the attendee's `netbreak` commands report to
   * http://127.0.0.1:PORT (the server their membership must name). Without it, nothing reaches the room.
   */
  roomPort?: number;
}

export interface SpawnCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** Where the attendee's home and netbreak's programs appear inside. */
const INSIDE_BIN = '/opt/netbreak/bin';
const ATTENDEE_NAME = /^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/;
/** /tmp and /dev/shm are memory: sized, so filling them cannot take the machine's RAM. */
const TMPFS_BYTES = 64 * 1024 ** 2;

export class SandboxUnavailableError extends PreflightError {}

/** bubblewrap on this machine's PATH, or the sentence that says how to install it. */
export function findBwrap(searchPath = process.env.PATH ?? ''): string {
  for (const dir of searchPath.split(':')) {
    const file = path.join(dir || '.', 'bwrap');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {}
  }
  throw new SandboxUnavailableError('hosting attendees\' shells needs bubblewrap (bwrap), which is not installed: run "sudo apt-get install bubblewrap"');
}

/**
 * The argv that runs the attendee's interactive bash in their sandbox. Spawn it in a pseudo-terminal with
 * exactly `env` (nothing of the trainer's environment goes in). The sandbox ends with its spawner; the
 * launcher it starts keeps the relays to the lab's API server and the room (relay.ts) while the shell runs.
 */
export function attendeeShellCommand(options: AttendeeShellOptions): SpawnCommand {
  checkOptions(options);
  findBwrap();
  const install = options.install ?? NETBREAK_ROOT;
  const launcher = path.join(install, 'dist', 'workshop', 'sandbox', 'launcher-main.js');
  const [file, ...args] = runAsAttendee([process.execPath, launcher, JSON.stringify(options)]);
  return { file: file!, args, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } };
}

function checkOptions(options: AttendeeShellOptions): void {
  if (!ATTENDEE_NAME.test(options.attendee)) throw new UserError(`"${options.attendee}" is not an attendee name: 1–20 lower-case letters, digits and dashes`);
  assertLabName(options.lab);
  for (const [what, dir] of [
    ['home', options.home],
    ['state', options.stateDir],
  ] as const) {
    if (!path.isAbsolute(dir) || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new UserError(`the attendee's ${what} folder ${dir} is not an existing folder given by its absolute path`);
  }
  const ids = attendeeHostIds();
  for (const dir of [options.home, options.stateDir]) {
    const owner = fs.statSync(dir).uid;
    if (owner !== ids.uid)
      throw new UserError(
        `the attendee's folder ${dir} belongs to uid ${owner}, not to uid ${ids.uid} that runs attendees here: chown it, or make it with giveToAttendee`,
      );
  }
}

/** The Unix sockets of the relays (relay.ts), in a folder of the launcher's own under the attendee's state folder. */
export function relaySockets(runtimeDir: string): { api: string; room: string } {
  return { api: path.join(runtimeDir, 'api.sock'), room: path.join(runtimeDir, 'room.sock') };
}

/** The bwrap argv of the sandbox (run by launcher-main.ts as the attendee's host user), relays in `runtimeDir`. */
export function sandboxArgv(options: AttendeeShellOptions, runtimeDir: string): string[] {
  checkOptions(options);
  const install = options.install ?? NETBREAK_ROOT;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const home = `/home/${options.attendee}`;
  const kubeconfig = path.join(options.stateDir, 'labs', options.lab, 'kubeconfig');
  const sockets = relaySockets(runtimeDir);
  const env: Record<string, string> = {
    HOME: home,
    USER: options.attendee,
    LOGNAME: options.attendee,
    SHELL: '/bin/bash',
    PATH: `${INSIDE_BIN}:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin`,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    PS1: `${options.attendee}@${options.lab}:\\w\\$ `,
    NETBREAK_STATE_DIR: options.stateDir,
    KUBECONFIG: kubeconfig,
    // Node's fetch (netbreak's reports to the room) compiles WebAssembly, whose guard regions reserve more
    // address space than the memory limit allows; without the trap handler it fits, at a small speed cost.
    NODE_OPTIONS: '--disable-wasm-trap-handler',
  };
  const programs = outsidePrograms([path.basename(process.execPath), 'kubectl'], `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`);
  const args = [
    '--die-with-parent',
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-net',
    '--unshare-cgroup-try',
    '--hostname',
    `netbreak-${options.attendee}`,
    '--cap-drop',
    'ALL',
    ...toolboxArgs(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(TMPFS_BYTES),
    '--tmpfs',
    '/dev/shm',
    '--size',
    String(TMPFS_BYTES),
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    install,
    install,
    '--dir',
    INSIDE_BIN,
    '--symlink',
    path.join(install, 'bin', 'netbreak.js'),
    path.join(INSIDE_BIN, 'netbreak'),
    ...programs.flatMap((p) => ['--ro-bind', p.file, path.join(INSIDE_BIN, p.name)]),
    '--bind', // writable: check, hint and diagnose record the session (session.json and its lock) in the lab folder
    options.stateDir,
    options.stateDir,
    '--bind',
    options.home,
    home,
    // The sandbox's own root (where /etc, /opt and /home were made) is memory: read-only, so writes go to the home or a sized tmpfs.
    '--remount-ro',
    '/',
    '--chdir',
    home,
    '--clearenv',
    ...Object.entries(env).flatMap(([name, value]) => ['--setenv', name, value]),
    '--',
    'node',
    path.join(install, 'dist', 'workshop', 'sandbox', 'inside-main.js'),
    kubeconfig,
    sockets.api,
    options.roomPort === undefined ? '-' : String(options.roomPort),
    sockets.room,
    '--',
    ...limitArgv(limits, ['nice', '-n', String(limits.nice), 'bash', '-i']),
  ];
  return [findBwrap(), ...args];
}
