// `netbreak clean`: every leftover of any netbreak lab on this machine, each
// removed by the backend that made it; a kind cluster only after a yes.
import { netnsBackend } from '../../lab/netns/backend.js';
import type { CleanReport } from '../../lab/backend.js';
import { kindBackend } from '../../lab/kind/backend.js';
import { leftoverCaptureContainers, removeCaptureContainers } from '../../lab/kind/capture-container.js';
import { kubeconfigBackend } from '../../lab/kubeconfig/backend.js';
import { readLabRecord } from '../../lab/state.js';
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
  // Capture containers a killed `trace --pcap` left beside a kind node go first, before the cluster they joined.
  const captures = await leftoverCaptureContainers();
  const removedCaptures = await removeCaptureContainers(captures.engine, captures.containers);
  // Each lab by the backend that made it: a kind or kubeconfig lab's folder is not a netns leftover.
  for (const lab of await netnsBackend.leftovers()) if ((readLabRecord(lab)?.backend ?? 'netns') === 'netns') reports.push(await netnsBackend.down(lab));
  for (const lab of await kubeconfigBackend.leftovers()) reports.push(await kubeconfigBackend.down(lab));
  for (const lab of await kindBackend.leftovers()) {
    if (await confirmDeletion(kindClusterOf(lab))) reports.push(await kindBackend.down(lab));
    else {
      kept.push(lab);
      // The cluster stays, the lab goes: its journal undone, its namespaces and folder removed.
      if (readLabRecord(lab)) {
        const released = await releaseKindLab(lab);
        reports.push(released.report);
        notices.push(...released.notices);
      }
    }
  }
  for (const c of removedCaptures) {
    const item = `capture container ${c.name} (tcpdump in the network namespace of ${c.node})`;
    const report = reports.find((r) => r.lab === c.lab);
    if (report) report.removed.push(item);
    else reports.push({ lab: c.lab, removed: [item] });
  }
  // Read after the release, as clean always has: a released lab's record is gone, and its cluster goes by the lab's name.
  return { removed: reports, kept: kept.map((lab) => ({ lab, cluster: kindClusterOf(lab) })), notices };
}
