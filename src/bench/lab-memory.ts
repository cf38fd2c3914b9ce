// What one lab costs in memory: the resident memory (RSS) of its supervisor
// (whose threads are the lab's pods) and of every process in its pid namespace,
// and their proportional share (PSS), which counts pages shared between
// processes (Node's own code) only once.
import fs from 'node:fs';
import { run } from '../exec.js';
import { enterArgv } from '../lab/netns/enter-lab.js';
import { holderPid } from '../lab/netns/holder.js';
import { labFiles, labNetnsPrefix } from '../lab/netns/names.js';

export interface LabMemory {
  processes: number;
  /** Pod namespaces: each is served by a thread of the supervisor, not a process. */
  pods: number;
  rssMiB: number;
  pssMiB: number;
}

function kib(pid: number, field: 'Rss' | 'Pss'): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The processes in the same pid namespace as `pid` (the lab's supervisor is its first). */
function samePidNamespace(pid: number): number[] {
  const ns = (p: number | string) => fs.readlinkSync(`/proc/${p}/ns/pid`);
  const lab = ns(pid);
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      return ns(e) === lab ? [Number(e)] : [];
    } catch {
      return [];
    }
  });
}

export async function labMemory(lab: string): Promise<LabMemory> {
  const supervisor = Number(fs.readFileSync(labFiles(lab).pid, 'utf8'));
  const holder = holderPid(lab);
  if (holder === undefined) throw new Error(`lab ${lab} is not running`);
  const pids = new Set([holder, supervisor, ...samePidNamespace(supervisor)]);
  const list = await run(enterArgv(lab, holder, { lab: true }, ['ip', 'netns', 'list']));
  const namespaces = list.stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(labNetnsPrefix(lab)));
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(pid, 'Rss');
    pss += kib(pid, 'Pss');
  }
  return { processes: pids.size, pods: namespaces.filter((n) => n.startsWith(`${labNetnsPrefix(lab)}pod-`)).length, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}
