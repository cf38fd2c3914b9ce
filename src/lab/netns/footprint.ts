// What one netns lab costs in memory (Lab.footprint): the resident memory (RSS)
// of its holder, its supervisor (whose threads are the lab's pods) and every
// process in its pid namespace, and their proportional share (PSS), which counts
// pages shared between processes (Node's own code) only once.
import fs from 'node:fs';
import { run } from '../../exec.js';
import type { LabFootprint } from '../lab.js';
import { enterArgv } from './enter-lab.js';
import { holderPid } from './holder.js';
import { labFiles, labNetnsPrefix } from './names.js';

function kib(pid: number, field: 'Rss' | 'Pss'): number {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The processes in the same pid namespace as `pid` (the lab's supervisor is its first). */
function samePidNamespace(pid: number): number[] {
  const ns = (p: number | string) => fs.readlinkSync(`/proc/${p}/ns/pid`);
  const lab = ns(pid);
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        return ns(e) === lab ? [Number(e)] : [];
      } catch {
        return [];
      }
    });
}

export async function labFootprint(lab: string): Promise<LabFootprint> {
  const supervisor = Number(fs.readFileSync(labFiles(lab).pid, 'utf8'));
  const holder = holderPid(lab);
  if (holder === undefined) throw new Error(`lab ${lab} is not running`);
  const pids = new Set([holder, supervisor, ...samePidNamespace(supervisor)]);
  const list = await run(enterArgv(lab, holder, { lab: true }, ['ip', 'netns', 'list']));
  const namespaces = list.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(labNetnsPrefix(lab)));
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(pid, 'Rss');
    pss += kib(pid, 'Pss');
  }
  return { processes: pids.size, pods: namespaces.filter((n) => n.startsWith(`${labNetnsPrefix(lab)}pod-`)).length, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}
