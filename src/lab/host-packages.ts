// The Debian/Ubuntu packages this machine needs: the ones the embedded lab runs
// and the learner's toolbox. One table, so that the netns preflight, `doctor`,
// `doctor --fix` and the tests' skip gate name the same package and the same
// install line for a missing binary.
import fs from 'node:fs';
import path from 'node:path';

/** The Debian/Ubuntu package that provides each binary netbreak or its tests look for. */
export const PACKAGE_OF: Record<string, string> = {
  ip: 'iproute2',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
  'iptables-save': 'iptables',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  perl: 'perl-base',
  setpriv: 'util-linux',
  conntrack: 'conntrack',
  tcpdump: 'tcpdump',
  curl: 'curl',
  dig: 'dnsutils',
  nc: 'netcat-openbsd',
  nft: 'nftables',
  pgrep: 'procps',
  modprobe: 'kmod',
};

/** What the netns lab itself runs: without any of these no lab can start. */
export const LAB_BINARIES = ['ip', 'iptables', 'iptables-restore', 'iptables-save', 'unshare', 'perl'] as const;

/** The learner's toolbox: the tools the debriefs use. */
export const TOOLBOX: { tool: string; why: string }[] = [
  { tool: 'ip', why: 'routes, links, addresses' },
  { tool: 'iptables', why: 'kube-proxy and NetworkPolicy rules, counters' },
  { tool: 'nft', why: 'kube-proxy rules in nftables mode' },
  { tool: 'conntrack', why: 'connection tracking entries' },
  { tool: 'tcpdump', why: 'packets on the wire' },
  { tool: 'curl', why: 'HTTP from inside a pod' },
  { tool: 'dig', why: 'DNS queries' },
  { tool: 'nc', why: 'raw TCP/UDP' },
];

/**
 * Whether `binary` is an executable file in a folder of `searchPath`, as the
 * shell would find it, without starting it (a missing binary must not cost a
 * process per check, and some of these need root to run at all).
 */
export function onPath(binary: string, searchPath = process.env.PATH ?? ''): boolean {
  return searchPath.split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      const file = path.join(dir, binary);
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

export function missingBinaries(binaries: readonly string[], searchPath?: string): string[] {
  return binaries.filter((b) => !onPath(b, searchPath));
}

/** The packages that provide `binaries`, each once, in the order first named. */
export function packagesFor(binaries: readonly string[]): string[] {
  return [...new Set(binaries.map((b) => PACKAGE_OF[b] ?? b))];
}

/** `apt-get install -y …`, with sudo in front for a user who is not root (the quick start's own line). */
export function aptInstallLine(packages: readonly string[], root = process.getuid?.() === 0): string {
  return `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}

/**
 * One sentence saying who needs which missing binaries and the line that
 * installs their packages; undefined when none is missing.
 */
export function missingSentence(who: string, binaries: readonly string[], searchPath?: string, root?: boolean): string | undefined {
  const missing = missingBinaries(binaries, searchPath);
  if (missing.length === 0) return undefined;
  const names = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}, which are` : `${missing[0]}, which is`;
  return `${who} needs ${names} not installed: run "${aptInstallLine(packagesFor(missing), root)}" (or "netbreak doctor --fix")`;
}
