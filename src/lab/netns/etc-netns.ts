// /etc/netns/<netns>/ holds the files `ip netns exec` bind-mounts over /etc (each
// pod's resolv.conf and hostname). /etc/netns itself is shared by every lab of every
// state folder, and most hosts do not have it: netbreak removes it again only when
// netbreak created it, which a marker file records at the moment of creation.
import fs from 'node:fs';
import path from 'node:path';
import { ETC_NETNS_MARKER } from './names.js';

/** Where /etc/netns and its marker live; tests point them into a temporary folder. */
export interface EtcNetnsPaths {
  root: string;
  marker: string;
}

const HOST: EtcNetnsPaths = { root: '/etc/netns', marker: ETC_NETNS_MARKER };

/** The folder of one network namespace, creating /etc/netns (and its marker) when absent. */
export function createEtcNetnsDir(netns: string, { root, marker }: EtcNetnsPaths = HOST): string {
  const dir = path.join(root, netns);
  // Another lab may remove an empty /etc/netns between our two mkdirs: try again.
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdirSync(root);
      fs.writeFileSync(marker, '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      fs.mkdirSync(dir, { recursive: false });
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return dir;
      if (code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** Removes /etc/netns when netbreak created it and nothing is left in it. */
export function removeEtcNetnsIfOursAndEmpty({ root, marker }: EtcNetnsPaths = HOST): void {
  if (!fs.existsSync(marker)) return;
  // The marker goes first: a lab that creates /etc/netns again after our rmdir writes its own.
  fs.rmSync(marker, { force: true });
  try {
    fs.rmdirSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Not empty (another lab's pods) or already gone: still ours to remove later, or nothing to do.
    if (code === 'ENOTEMPTY' || code === 'EEXIST') fs.writeFileSync(marker, '');
    else if (code !== 'ENOENT') throw error;
  }
}
