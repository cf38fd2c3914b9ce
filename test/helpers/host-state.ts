// A fingerprint of the host's own network namespace: what netbreak promises never
// to change. Counters and timestamps are left out; everything else must be identical.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { enterArgv } from '../../src/lab/netns/enter-lab.js';
import { holderPid } from '../../src/lab/netns/holder.js';

async function out(cmd: string, args: string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false });
  return `${r.exitCode}\n${r.stdout}`;
}

/**
 * `lab` is the test's own lab. Labs keep nothing in the host's /run/netns or
 * /etc/netns: both are part of the fingerprint, whole (an empty /etc/netns left
 * behind is a change too: "absent" and "present, empty" differ).
 */
export async function hostNetworkState(_lab: string): Promise<Record<string, string>> {
  const iptables = (await out('iptables-save', []))
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
  const sysctls = await out('sysctl', [
    'net.ipv4.ip_forward',
    'net.ipv4.conf.all.rp_filter',
    'net.ipv4.conf.default.rp_filter',
    'net.ipv4.conf.all.forwarding',
  ]);
  return {
    iptables,
    nft: await out('nft', ['list', 'ruleset']),
    routes: await out('ip', ['route', 'show', 'table', 'all']),
    links: (await out('ip', ['-o', 'link'])).replace(/\s+link\/\S+.*$/gm, ''),
    addresses: await out('ip', ['-o', 'addr']),
    sysctls,
    netns: await out('ip', ['netns', 'list']),
    etcNetns: fs.existsSync('/etc/netns') ? ['present:', ...fs.readdirSync('/etc/netns').sort()].join('\n') : 'absent',
  };
}

/** Runs `argv` inside a running lab of the state folder `stateDir` (as `netbreak exec` would); undefined when the lab is not running. */
export async function inLab(lab: string, stateDir: string, target: Parameters<typeof enterArgv>[2], argv: string[]) {
  const saved = process.env.NETBREAK_STATE_DIR;
  process.env.NETBREAK_STATE_DIR = stateDir;
  try {
    const holder = holderPid(lab);
    if (holder === undefined) return undefined;
    const [cmd, ...args] = enterArgv(lab, holder, target, argv);
    return await execa(cmd!, args, { reject: false });
  } finally {
    if (saved === undefined) delete process.env.NETBREAK_STATE_DIR;
    else process.env.NETBREAK_STATE_DIR = saved;
  }
}

/** The network namespaces of one lab, as the lab itself lists them; [] when it is not running. */
export async function labNamespaces(lab: string, stateDir: string): Promise<string[]> {
  const listed = await inLab(lab, stateDir, { lab: true }, ['ip', 'netns', 'list']);
  return (listed?.stdout ?? '')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nb-${lab}-`));
}

/** The lab's namespaces in the host's /run/netns: labs keep theirs private, so always none. */
export async function hostNamespacesOf(lab: string): Promise<string[]> {
  return (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nb-${lab}-`));
}

/** Whether any process of this machine runs with `file` (a lab file of the state folder) in its arguments: the lab's holder or supervisor. */
export function labProcessesRunning(stateDir: string, lab: string): number[] {
  const labFile = path.join(stateDir, 'labs', lab, 'lab.json');
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .flatMap((pid) => {
      try {
        if (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) return [];
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(labFile) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}
