// Labs made by netbreak before labs had namespaces of their own kept their network
// namespaces in the host's /run/netns (`nb-<lab>-fabric`, `-node-…`, `-pod-…`) and
// each pod's resolv.conf in /etc/netns. A machine upgraded with such a lab running
// or crashed still has them, and only root could have made them, so `clean` run as
// root finds and removes them the way those versions did.
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../exec.js';

const PREFIX = 'nb-';
const ETC_NETNS = '/etc/netns';
/** Marks that netbreak created /etc/netns, so the last lab to go removes it again. */
const ETC_NETNS_MARKER = '/run/netbreak-created-etc-netns';

export interface LegacyLeftovers {
  namespaces: string[];
  processes: number[];
  etcNetns: string[];
}

async function hostNetns(): Promise<string[]> {
  const result = await run(['ip', 'netns', 'list']);
  return result.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(PREFIX));
}

/** Labs with namespaces in the host's /run/netns. */
export async function labsWithLegacyNamespaces(): Promise<string[]> {
  const labs = new Set<string>();
  for (const ns of await hostNetns()) {
    const match = /^nb-(.+?)-(fabric|node-.+|pod-.+)$/.exec(ns);
    if (match) labs.add(match[1]!);
  }
  return [...labs].sort();
}

export async function findLegacyLeftovers(lab: string): Promise<LegacyLeftovers> {
  const prefix = `${PREFIX}${lab}-`;
  const namespaces = (await hostNetns()).filter((n) => n.startsWith(prefix) && /^(fabric|node-|pod-)/.test(n.slice(prefix.length)));
  const processes: number[] = [];
  for (const ns of namespaces) {
    const pids = await run(['ip', 'netns', 'pids', ns]);
    for (const line of pids.stdout.split('\n')) if (/^\d+$/.test(line.trim())) processes.push(Number(line.trim()));
  }
  const etcNetns = fs.existsSync(ETC_NETNS)
    ? fs
        .readdirSync(ETC_NETNS)
        .filter((n) => n.startsWith(prefix))
        .map((n) => path.join(ETC_NETNS, n))
    : [];
  return { namespaces, processes: processes.filter((p) => p !== process.pid), etcNetns };
}

/** Kills the processes, deletes the namespaces (pods, nodes, fabric: the reverse of creation) and the /etc/netns folders. */
export async function removeLegacyOnce(left: LegacyLeftovers): Promise<void> {
  if (left.processes.length + left.namespaces.length + left.etcNetns.length === 0) return;
  for (const pid of left.processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const order = (n: string) => (n.includes('-pod-') ? 0 : n.includes('-node-') ? 1 : 2);
  for (const rank of [0, 1, 2]) await Promise.all(left.namespaces.filter((n) => order(n) === rank).map((n) => run(['ip', 'netns', 'del', n])));
  for (const dir of left.etcNetns) fs.rmSync(dir, { recursive: true, force: true });
  removeEtcNetnsIfOursAndEmpty();
}

/** Removes /etc/netns when netbreak created it and nothing is left in it. */
export function removeEtcNetnsIfOursAndEmpty(root = ETC_NETNS, marker = ETC_NETNS_MARKER): void {
  if (!fs.existsSync(marker)) return;
  fs.rmSync(marker, { force: true });
  try {
    fs.rmdirSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') fs.writeFileSync(marker, '');
    else if (code !== 'ENOENT') throw error;
  }
}
