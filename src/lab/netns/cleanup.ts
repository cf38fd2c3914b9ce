// Finds and removes everything a netns lab made, from names alone, so it works
// after any crash: processes inside the lab's namespaces, the namespaces, their
// /etc/netns folders, the supervisor and the state folder.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { run } from '../../exec.js';
import { removeEtcNetnsIfOursAndEmpty } from './etc-netns.js';
import { etcNetnsDir, labFiles, labNetnsPrefix, NETNS_PREFIX } from './names.js';
import { stateRoot } from '../state.js';

export interface Leftovers {
  lab: string;
  namespaces: string[];
  processes: number[];
  supervisor?: number;
  stateDir?: string;
  etcNetns: string[];
}

async function listNetns(): Promise<string[]> {
  const result = await run(['ip', 'netns', 'list']);
  return result.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(NETNS_PREFIX));
}

interface SupervisorProcess {
  pid: number;
  lab: string;
  /** The lab file it was started with (absent for supervisors started by older versions). */
  labFile?: string;
}

/** Supervisor processes running now, from any state folder, by scanning /proc. */
function supervisorProcesses(): SupervisorProcess[] {
  const found: SupervisorProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.findIndex((a) => a.endsWith('supervisor-main.js'));
      if (at >= 0 && argv[at + 1]) found.push({ pid: Number(entry), lab: argv[at + 1]!, labFile: argv[at + 2] || undefined });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Labs whose supervisor runs now, from any state folder. */
function runningSupervisors(): Map<string, number> {
  return new Map(supervisorProcesses().map((p) => [p.lab, p.pid]));
}

/**
 * This state folder's supervisor of the lab: the process its pid file names, or
 * one started with its lab file (it may not have written its pid file yet).
 */
function supervisorPid(lab: string): number | undefined {
  let recorded: number | undefined;
  try {
    recorded = Number(fs.readFileSync(labFiles(lab).pid, 'utf8'));
  } catch {
    // no pid file (yet)
  }
  const ours = supervisorProcesses().filter((p) => p.lab === lab && (p.pid === recorded || p.labFile === labFiles(lab).lab));
  return ours[0]?.pid;
}

/** The name of the lock a lab's builder holds: an abstract Unix socket, which the kernel frees when its process dies, even by kill -9. */
function buildLockName(lab: string): string {
  return `\0netbreak-build-${lab}`;
}

/**
 * Marks the lab as being built by this process until the returned function is
 * called (or the process dies); undefined when another live process builds a lab
 * of that name. Lab names are machine-wide (namespace names), whatever the state folder.
 */
export function holdBuildLock(lab: string): Promise<(() => void) | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)));
    server.listen(buildLockName(lab), () => {
      server.unref();
      resolve(() => void server.close());
    });
  });
}

/** Whether a live process is building this lab right now (see holdBuildLock). */
function beingBuilt(lab: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(buildLockName(lab));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Labs with a state folder under this state root: the ones commands act on. */
export function labsInStateRoot(): string[] {
  const labsDir = path.join(stateRoot(), 'labs');
  return fs.existsSync(labsDir) ? fs.readdirSync(labsDir).sort() : [];
}

/** Labs whose namespaces exist on this machine, whatever state folder they belong to. */
export async function labsWithNamespaces(): Promise<string[]> {
  const labs = new Set<string>();
  for (const ns of await listNetns()) {
    const match = /^nb-(.+?)-(fabric|node-.+|pod-.+)$/.exec(ns);
    if (match) labs.add(match[1]!);
  }
  return [...labs].sort();
}

/**
 * What `clean` removes: every lab of this state root, and every lab whose
 * namespaces are left with no supervisor running (crashed, or its state folder
 * deleted). A live lab of another state root is left alone, and so is one that
 * a live `start` or `lab up` is still building (it has no supervisor yet).
 */
export async function labsWithLeftovers(): Promise<string[]> {
  const labs = new Set(labsInStateRoot());
  const live = runningSupervisors();
  for (const lab of await labsWithNamespaces()) if (!labs.has(lab) && !live.has(lab) && !(await beingBuilt(lab))) labs.add(lab);
  return [...labs].sort();
}

export async function findLeftovers(lab: string): Promise<Leftovers> {
  const prefix = labNetnsPrefix(lab);
  const namespaces = (await listNetns()).filter((n) => n.startsWith(prefix) && /^(fabric|node-|pod-)/.test(n.slice(prefix.length)));
  const processes: number[] = [];
  for (const ns of namespaces) {
    const pids = await run(['ip', 'netns', 'pids', ns]);
    for (const line of pids.stdout.split('\n')) if (/^\d+$/.test(line.trim())) processes.push(Number(line.trim()));
  }
  const etc = fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter((n) => n.startsWith(prefix)).map(etcNetnsDir) : [];
  const dir = labFiles(lab).dir;
  const supervisor = supervisorPid(lab);
  // A supervisor that never wrote its pid file names the lab's folder in its arguments (pods are its threads).
  // An `ip` command a dead supervisor or CLI left running (about to add a namespace or a link) names a namespace.
  const netnsName = new RegExp(`^${prefix}(fabric|node-|pod-)`); // lab names are [-a-z0-9]: nothing to escape
  for (const pid of processesMatching((a) => a.startsWith(`${dir}/`) || netnsName.test(a))) if (!processes.includes(pid)) processes.push(pid);
  return {
    lab,
    namespaces,
    processes: processes.filter((p) => p !== supervisor),
    supervisor,
    stateDir: fs.existsSync(dir) ? dir : undefined,
    etcNetns: etc,
  };
}

function processesMatching(test: (arg: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some(test)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function kill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A killed process counts as gone once it is a zombie: only its parent's reaping is left. */
function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return !alive(pid);
}

/** Removes one lab completely; returns what it found and removed. */
export async function removeLab(lab: string): Promise<Leftovers> {
  const found = await findLeftovers(lab);
  if (found.supervisor) {
    kill(found.supervisor, 'SIGTERM');
    if (!(await waitGone(found.supervisor, 2000))) kill(found.supervisor, 'SIGKILL');
  }
  // Commands the supervisor started just before it ended (an `ip netns add`, a
  // link) may still land, so sweep until a sweep finds nothing.
  const removed: Leftovers = { ...found, processes: [], namespaces: [], etcNetns: [] };
  for (let sweep = 0; sweep < 20; sweep++) {
    const left = await findLeftovers(lab);
    if (left.processes.length + left.namespaces.length + left.etcNetns.length === 0 && !left.supervisor && sweep > 0) break;
    // A supervisor found only now (it wrote its pid file late, or never): no time for a graceful end.
    if (left.supervisor) {
      kill(left.supervisor, 'SIGKILL');
      await waitGone(left.supervisor, 1000);
      removed.supervisor ??= left.supervisor;
    }
    await removeOnce(left);
    removed.processes.push(...left.processes.filter((p) => !removed.processes.includes(p)));
    removed.namespaces.push(...left.namespaces.filter((n) => !removed.namespaces.includes(n)));
    removed.etcNetns.push(...left.etcNetns.filter((d) => !removed.etcNetns.includes(d)));
    await new Promise((r) => setTimeout(r, 30));
  }
  removeEtcNetnsIfOursAndEmpty();
  if (found.stateDir) fs.rmSync(found.stateDir, { recursive: true, force: true });
  return removed;
}

async function removeOnce(left: Leftovers): Promise<void> {
  for (const pid of left.processes) kill(pid, 'SIGKILL');
  for (const pid of left.processes) await waitGone(pid, 1000);
  // Pods first, nodes next, the fabric last: the reverse of creation.
  const order = (n: string) => (n.includes('-pod-') ? 0 : n.includes('-node-') ? 1 : 2);
  for (const rank of [0, 1, 2]) await Promise.all(left.namespaces.filter((n) => order(n) === rank).map((n) => run(['ip', 'netns', 'del', n])));
  for (const dir of left.etcNetns) fs.rmSync(dir, { recursive: true, force: true });
}
