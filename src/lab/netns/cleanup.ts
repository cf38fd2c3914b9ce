// Finds and removes everything a netns lab made, from names alone, so it works
// after any crash: processes inside the lab's namespaces, the namespaces, their
// /etc/netns folders, the supervisor and the state folder.
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../exec.js';
import { etcNetnsDir, labFiles, labNetnsPrefix, NETNS_PREFIX, stateRoot } from './names.js';

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

/** The supervisor's pid, only if that process really is our supervisor for this lab. */
function supervisorPid(lab: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(labFiles(lab).pid, 'utf8'));
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.endsWith('supervisor-main.js')) && cmdline.includes(lab) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Names of labs that left anything behind: a state folder or a namespace. */
export async function labsWithLeftovers(): Promise<string[]> {
  const labs = new Set<string>();
  const labsDir = path.join(stateRoot(), 'labs');
  if (fs.existsSync(labsDir)) for (const name of fs.readdirSync(labsDir)) labs.add(name);
  for (const ns of await listNetns()) {
    const match = /^nb-(.+)-(fabric|node-.+|pod-.+)$/.exec(ns);
    if (match) labs.add(match[1]!);
  }
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
  return {
    lab,
    namespaces,
    processes,
    supervisor: supervisorPid(lab),
    stateDir: fs.existsSync(dir) ? dir : undefined,
    etcNetns: etc,
  };
}

function kill(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!kill(pid, 0)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !kill(pid, 0);
}

/** Removes one lab completely; returns what it found and removed. */
export async function removeLab(lab: string): Promise<Leftovers> {
  const found = await findLeftovers(lab);
  if (found.supervisor) {
    kill(found.supervisor, 'SIGTERM');
    if (!(await waitGone(found.supervisor, 2000))) kill(found.supervisor, 'SIGKILL');
  }
  // Processes inside the lab's namespaces are the lab's pods: ours to end.
  const again = found.supervisor ? await findLeftovers(lab) : found;
  for (const pid of again.processes) kill(pid, 'SIGKILL');
  for (const pid of again.processes) await waitGone(pid, 1000);
  // Pods first, nodes next, the fabric last: the reverse of creation.
  const order = (n: string) => (n.includes('-pod-') ? 0 : n.includes('-node-') ? 1 : 2);
  await Promise.all(again.namespaces.filter((n) => order(n) === 0).map((n) => run(['ip', 'netns', 'del', n])));
  await Promise.all(again.namespaces.filter((n) => order(n) === 1).map((n) => run(['ip', 'netns', 'del', n])));
  await Promise.all(again.namespaces.filter((n) => order(n) === 2).map((n) => run(['ip', 'netns', 'del', n])));
  for (const dir of again.etcNetns) fs.rmSync(dir, { recursive: true, force: true });
  if (fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0 && fs.existsSync(path.join(stateRoot(), 'created-etc-netns'))) {
    fs.rmdirSync('/etc/netns');
    fs.rmSync(path.join(stateRoot(), 'created-etc-netns'), { force: true });
  }
  if (again.stateDir) fs.rmSync(again.stateDir, { recursive: true, force: true });
  return { ...again, processes: [...new Set([...found.processes, ...again.processes])] };
}
