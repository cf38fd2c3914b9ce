// What one lab costs in memory: the resident memory (RSS) of its supervisor
// (whose threads are the lab's pods) and of every process inside its namespaces,
// and their proportional share (PSS), which counts pages shared between
// processes (Node's own code) only once.
import fs from 'node:fs';
import { run } from '../exec.js';
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

export async function labMemory(lab: string): Promise<LabMemory> {
  const pids = new Set<number>();
  try {
    pids.add(Number(fs.readFileSync(labFiles(lab).pid, 'utf8')));
  } catch {
    // no supervisor
  }
  const list = await run(['ip', 'netns', 'list']);
  const namespaces = list.stdout.split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(labNetnsPrefix(lab)));
  for (const ns of namespaces) {
    for (const pid of (await run(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter(Boolean)) pids.add(Number(pid));
  }
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(pid, 'Rss');
    pss += kib(pid, 'Pss');
  }
  return { processes: pids.size, pods: namespaces.filter((n) => n.startsWith(`${labNetnsPrefix(lab)}pod-`)).length, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}
