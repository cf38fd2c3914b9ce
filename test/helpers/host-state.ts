// A fingerprint of the host's own network namespace: what netbreak promises never
// to change. Counters and timestamps are left out; everything else must be identical.
import fs from 'node:fs';
import { execa } from 'execa';

async function out(cmd: string, args: string[]): Promise<string> {
  const r = await execa(cmd, args, { reject: false });
  return `${r.exitCode}\n${r.stdout}`;
}

/** `lab` is the test's own lab: other labs' /etc/netns folders (a developer's running lab) are not the host's state. */
export async function hostNetworkState(lab: string): Promise<Record<string, string>> {
  const iptables = (await out('iptables-save', [])).split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]')).join('\n');
  const sysctls = await out('sysctl', ['net.ipv4.ip_forward', 'net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.default.rp_filter', 'net.ipv4.conf.all.forwarding']);
  return {
    iptables,
    nft: await out('nft', ['list', 'ruleset']),
    routes: await out('ip', ['route', 'show', 'table', 'all']),
    links: (await out('ip', ['-o', 'link'])).replace(/\s+link\/\S+.*$/gm, ''),
    addresses: await out('ip', ['-o', 'addr']),
    sysctls,
    // An empty /etc/netns left behind is a change too: "absent" and "present, empty" differ.
    etcNetns: fs.existsSync('/etc/netns')
      ? ['present:', ...fs.readdirSync('/etc/netns').filter((n) => !n.startsWith('nb-') || n.startsWith(`nb-${lab}-`)).sort()].join('\n')
      : 'absent',
  };
}

/** The network namespaces of one lab. */
export async function labNamespaces(lab: string): Promise<string[]> {
  return (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nb-${lab}-`));
}
