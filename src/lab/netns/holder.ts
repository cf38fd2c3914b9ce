// A lab is one process tree in namespaces of its own: `unshare` makes a user
// namespace (in which the caller keeps every capability, as ambient capabilities,
// and nothing outside), a mount namespace (the lab's private /run/netns), a
// network namespace (the lab's fabric, where the supervisor answers as the node
// network's DNS) and a pid namespace, whose first process is the lab's supervisor.
// `unshare` itself stays outside as the holder: when it dies, even by kill -9, the
// kernel kills the supervisor (--kill-child), and when the supervisor dies the
// kernel kills every other process of the pid namespace, so the mount and network
// namespaces go, and with them every node, pod, veth, rule and socket of the lab.
// Root and ordinary users start labs the same way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { LEAN_NODE_FLAGS } from './lean-node.js';
import { stateRoot } from '../state.js';
import { labFiles } from './names.js';
import { writeFileAtomically } from '../../atomic-write.js';

/** Who the lab's processes are inside its user namespace. */
export interface InsideIds {
  uid: number;
  gid: number;
}

/**
 * The caller's own ids; for root, nobody's. Inside, the lab's processes must not be
 * uid 0: tcpdump then drops privileges with setgroups(2), which a user namespace
 * made without newgidmap refuses ("Couldn't change to 'tcpdump' uid=…"). Capabilities
 * come from the user namespace, not from the uid.
 */
export function insideIds(uid = process.getuid?.() ?? 0, gid = process.getgid?.() ?? 0): InsideIds {
  return uid === 0 ? { uid: 65534, gid: 65534 } : { uid, gid };
}

/** The argv that starts a lab's supervisor (`node supervisor-main.js <lab> <lab.json>`) in new namespaces. */
export function holderArgv(supervisorMain: string, lab: string, ids: InsideIds = insideIds()): string[] {
  return [
    'unshare',
    '--user',
    `--map-user=${ids.uid}`,
    `--map-group=${ids.gid}`,
    '--keep-caps',
    '--mount',
    '--net',
    '--pid',
    '--fork',
    '--kill-child',
    '--',
    process.execPath,
    ...LEAN_NODE_FLAGS,
    supervisorMain,
    lab,
    labFiles(lab).lab,
  ];
}

/**
 * Starts the lab's holder, detached, its output going to the supervisor's log, and
 * records its pid. The state folder is passed on: inside, the supervisor is not root
 * even when its caller is, and must use its caller's folder.
 */
export function startHolder(supervisorMain: string, lab: string, apiSocketFd?: number): number {
  const files = labFiles(lab);
  const log = fs.openSync(files.log, 'a', 0o600);
  const child = spawn(holderArgv(supervisorMain, lab)[0]!, holderArgv(supervisorMain, lab).slice(1), {
    detached: true,
    // fd 3: the API server's listening socket, made in the host's namespace (api-server/host-socket.ts).
    stdio: apiSocketFd === undefined ? ['ignore', log, log] : ['ignore', log, log, apiSocketFd],
    env: { ...process.env, NETBREAK_STATE_DIR: stateRoot() },
  });
  child.unref();
  fs.closeSync(log);
  if (!child.pid) throw new Error('unshare did not start');
  writeFileAtomically(files.holder, String(child.pid), { mode: 0o600 });
  return child.pid;
}

/** Whether a process runs (a zombie that only waits for its parent counts as ended). */
export function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The holder's pid as `start` recorded it, while that process runs; undefined otherwise. */
export function holderPid(lab: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(labFiles(lab).holder, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
