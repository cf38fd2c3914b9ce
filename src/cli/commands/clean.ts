import type { Command } from 'commander';
import { netnsBackend } from '../../lab/netns/backend.js';
import type { CleanReport } from '../../lab/backend.js';
import { kindBackend } from '../../lab/kind/backend.js';
import { leftoverCaptureContainers, removeCaptureContainers } from '../../lab/kind/capture-container.js';
import { kubeconfigBackend } from '../../lab/kubeconfig/backend.js';
import { readLabRecord } from '../../lab/state.js';
import { printJson, println } from '../output.js';
import { confirmClusterDeletion, releaseKindLab } from './stop.js';

export async function run(options: { yes?: boolean }, command: Command): Promise<void> {
  const reports: CleanReport[] = [];
  const kept: string[] = [];
  // Capture containers a killed `trace --pcap` left beside a kind node go first, before the cluster they joined.
  const captures = await leftoverCaptureContainers();
  const removedCaptures = await removeCaptureContainers(captures.engine, captures.containers);
  // Each lab by the backend that made it: a kind or kubeconfig lab's folder is not a netns leftover.
  for (const lab of await netnsBackend.leftovers()) if ((readLabRecord(lab)?.backend ?? 'netns') === 'netns') reports.push(await netnsBackend.down(lab));
  for (const lab of await kubeconfigBackend.leftovers()) reports.push(await kubeconfigBackend.down(lab));
  for (const lab of await kindBackend.leftovers()) {
    if (await confirmClusterDeletion(lab, options.yes)) reports.push(await kindBackend.down(lab));
    else {
      kept.push(lab);
      // The cluster stays, the lab goes: its journal undone, its namespaces and folder removed.
      if (readLabRecord(lab)) reports.push(await releaseKindLab(lab));
    }
  }
  for (const c of removedCaptures) {
    const item = `capture container ${c.name} (tcpdump in the network namespace of ${c.node})`;
    const report = reports.find((r) => r.lab === c.lab);
    if (report) report.removed.push(item);
    else reports.push({ lab: c.lab, removed: [item] });
  }
  if (command.optsWithGlobals().json) return printJson({ removed: reports, kept });
  for (const lab of kept) println(`kind cluster ${readLabRecord(lab)?.cluster ?? lab}: kept, as you asked`);
  if (reports.length === 0) return println('Nothing to clean: no netbreak lab left anything on this machine.');
  for (const r of reports) {
    println(`lab ${r.lab}: removed ${r.removed.length} item(s)`);
    for (const item of r.removed) println(`  - ${item}`);
  }
}
