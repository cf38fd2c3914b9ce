// `netbreak clean`: every leftover of any netbreak lab on this machine, each
// removed by the backend that made it; a kind cluster only after a yes.
import type { CleanReport } from '../../lab/backend.js';
import { backends, recordedBackendOf } from '../../lab/backends.js';
import type { Notice } from '../notice.js';
import { releaseKindLab } from '../release-kind-lab.js';
import { kindClusterOf } from './stop.js';

export interface Cleaned {
  removed: CleanReport[];
  /** kind clusters the user chose to keep (their labs are gone). */
  kept: { lab: string; cluster: string }[];
  notices: Notice[];
}

/** `confirmDeletion` is asked for each kind cluster netbreak created: false keeps it. */
export async function clean(confirmDeletion: (cluster: string) => Promise<boolean>): Promise<Cleaned> {
  const reports: CleanReport[] = [];
  const kept: string[] = [];
  const notices: Notice[] = [];
  // What a killed command left beside a lab (a capture container beside a kind node) goes first, before the lab it joined.
  const strays = (await Promise.all(backends.map((b) => b.removeStrays?.() ?? Promise.resolve([])))).flat();
  for (const backend of backends) {
    for (const lab of await backend.leftovers()) {
      // Each lab by the backend that made it: a kind or kubeconfig lab's folder is not a netns leftover.
      const recorded = recordedBackendOf(lab);
      if (recorded && recorded.name !== backend.name) continue;
      if (!backend.capabilities.keptOnRelease || (await confirmDeletion(kindClusterOf(lab)))) reports.push(await backend.down(lab));
      else {
        kept.push(lab);
        // What release() keeps stays, the lab goes: its journal undone, its namespaces and folder removed.
        if (recorded) {
          const released = await releaseKindLab(lab);
          reports.push(released.report);
          notices.push(...released.notices);
        }
      }
    }
  }
  for (const stray of strays) {
    const report = reports.find((r) => r.lab === stray.lab);
    if (report) report.removed.push(...stray.removed);
    else reports.push(stray);
  }
  // Read after the release, as clean always has: a released lab's record is gone, and its cluster goes by the lab's name.
  return { removed: reports, kept: kept.map((lab) => ({ lab, cluster: kindClusterOf(lab) })), notices };
}
