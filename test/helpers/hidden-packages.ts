// A PATH on which some Debian packages look uninstalled: one folder of links to
// every executable of the real PATH except the binaries those packages ship.
// This is how a fresh machine looks to netbreak, without removing anything
// from this one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The binaries each package ships that netbreak or its tests look for (and their alternatives' names). */
const SHIPS: Record<string, RegExp> = {
  iptables: /^(ip6?tables|ip6?tables-(restore|save|legacy|nft|legacy-restore|legacy-save|nft-restore|nft-save)|xtables-.*|arptables.*|ebtables.*)$/,
  iproute2: /^(ip|tc|ss|bridge|rtmon|ctstat|lnstat|nstat|rtacct|routel|devlink|genl|tipc|rdma|dcb|vdpa)$/,
  conntrack: /^conntrack$/,
  tcpdump: /^tcpdump$/,
  dnsutils: /^(dig|nslookup|nsupdate|delv)$/,
};

export interface HiddenPath {
  /** The PATH value to give a child process. */
  path: string;
  remove(): void;
}

export function pathWithout(packages: string[], from = process.env.PATH ?? ''): HiddenPath {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-path-'));
  const hidden = packages.map((p) => {
    const re = SHIPS[p];
    if (!re) throw new Error(`hidden-packages.ts does not know what ${p} ships`);
    return re;
  });
  for (const folder of from.split(path.delimiter).filter(Boolean)) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (hidden.some((re) => re.test(name))) continue;
      const link = path.join(dir, name);
      // The first folder on PATH wins, as for the shell.
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(folder, name), link);
    }
  }
  return { path: dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
