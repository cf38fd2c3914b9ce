// Finds and removes a netns lab from names alone, so it works after any crash.
// A lab is one process tree in namespaces of its own (holder.ts): killing its
// holder and supervisor makes the kernel free every namespace, veth, rule and
// socket of it, so what is left for cleanup is the state folder. Labs made by
// netbreak versions before that kept their namespaces in the host's /run/netns
// and /etc/netns: legacy-cleanup.ts still finds and removes those (root's only).
import fs from 'node:fs';
import path from 'node:path';
import { PreflightError } from '../../errors.js';
import { stateRoot } from '../state.js';
import { alive } from './holder.js';
import { findLegacyLeftovers, labsWithLegacyNamespaces, removeLegacyOnce } from './legacy-cleanup.js';
import { labFiles } from './names.js';

export interface Leftovers {
  lab: string;
  /** The lab's holder (`unshare`), while it runs: the whole lab goes with it. */
  holder?: number;
  /** The lab's supervisor, while it runs (the first process of the lab's pid namespace). */
  supervisor?: number;
  /** Network namespaces in the host's /run/netns: only labs of older versions have any. */
  namespaces: string[];
  /** Processes in those namespaces (older versions only). */
  processes: number[];
  /** /etc/netns folders (older versions only). */
  etcNetns: string[];
  stateDir?: string;
}

interface LabProcess {
  pid: number;
  /** The holder is `unshare`; the supervisor is `node` with the same arguments after it. */
  role: 'holder' | 'supervisor';
}

/**
 * This state folder's processes of the lab, by scanning /proc: started with
 * `supervisor-main.js <lab> <its lab file>`, which names this state folder, so a
 * lab of the same name in another user's folder never matches.
 */
function labProcesses(lab: string): LabProcess[] {
  const labFile = labFiles(lab).lab;
  const uid = process.getuid?.() ?? 0;
  const found: LabProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // Only our own processes: another user's lab of the same name and folder path is none of ours.
      if (uid !== 0 && fs.statSync(`/proc/${entry}`).uid !== uid) continue;
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.findIndex((a) => a.endsWith('supervisor-main.js'));
      // Supervisors of older versions were started without their lab file.
      if (at < 0 || argv[at + 1] !== lab || (argv[at + 2] !== labFile && argv[at + 2] !== undefined && argv[at + 2] !== '')) continue;
      if (!alive(Number(entry))) continue;
      found.push({ pid: Number(entry), role: path.basename(argv[0]!) === 'unshare' ? 'holder' : 'supervisor' });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Labs with a state folder under this state root: the ones commands act on. */
export function labsInStateRoot(): string[] {
  const labsDir = path.join(stateRoot(), 'labs');
  try {
    return fs.readdirSync(labsDir).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    // Another user's folder (NETBREAK_STATE_DIR pointed at it): its labs are theirs alone.
    if (code === 'EACCES') {
      throw new PreflightError(
        `netbreak keeps labs in ${labsDir}, which this user cannot read: each user has labs of their own; unset NETBREAK_STATE_DIR or point it at a folder of yours`,
      );
    }
    throw error;
  }
}

/** What `clean` removes: every lab of this state root, and (for root) labs that older versions left in the host's /run/netns. */
export async function labsWithLeftovers(): Promise<string[]> {
  const labs = new Set(labsInStateRoot());
  if (process.getuid?.() === 0) for (const lab of await labsWithLegacyNamespaces()) labs.add(lab);
  return [...labs].sort();
}

export async function findLeftovers(lab: string): Promise<Leftovers> {
  const dir = labFiles(lab).dir;
  const processes = labProcesses(lab);
  const legacy = process.getuid?.() === 0 ? await findLegacyLeftovers(lab) : { namespaces: [], processes: [], etcNetns: [] };
  return {
    lab,
    holder: processes.find((p) => p.role === 'holder')?.pid,
    supervisor: processes.find((p) => p.role === 'supervisor')?.pid,
    ...legacy,
    stateDir: fs.existsSync(dir) ? dir : undefined,
  };
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

async function waitGone(pids: number[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

/**
 * Removes one lab completely; returns what it found and removed. SIGKILL, not
 * SIGTERM: the supervisor keeps nothing worth saving, and the kernel, not the
 * supervisor, frees the lab's namespaces, so there is nothing to wait for.
 */
export async function removeLab(lab: string): Promise<Leftovers> {
  const found = await findLeftovers(lab);
  const removed: Leftovers = { ...found, processes: [], namespaces: [], etcNetns: [] };
  // A holder started a moment ago shows its supervisor only later: sweep until a sweep finds nothing.
  for (let sweep = 0; sweep < 20; sweep++) {
    const left = sweep === 0 ? found : await findLeftovers(lab);
    const pids = [left.holder, left.supervisor].filter((p): p is number => p !== undefined);
    if (pids.length + left.processes.length + left.namespaces.length + left.etcNetns.length === 0) break;
    for (const pid of pids) kill(pid);
    await waitGone(pids, 2000);
    removed.holder ??= left.holder;
    removed.supervisor ??= left.supervisor;
    await removeLegacyOnce(left);
    removed.processes.push(...left.processes.filter((p) => !removed.processes.includes(p)));
    removed.namespaces.push(...left.namespaces.filter((n) => !removed.namespaces.includes(n)));
    removed.etcNetns.push(...left.etcNetns.filter((d) => !removed.etcNetns.includes(d)));
  }
  if (found.stateDir) fs.rmSync(found.stateDir, { recursive: true, force: true });
  return removed;
}
