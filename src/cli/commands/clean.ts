import type { Command } from 'commander';
import type { CleanReport } from '../../lab/backend.js';
import { backends, recordedBackendOf } from '../../lab/backends.js';
import { printJson, println } from '../output.js';
import { confirmClusterDeletion, releaseKindLab } from './stop.js';

export async function run(options: { yes?: boolean }, command: Command): Promise<void> {
  const reports: CleanReport[] = [];
  const kept: string[] = [];
  const keptLines: string[] = [];
  // What a killed command left beside a lab (a capture container beside a kind node) goes first, before the lab it joined.
  const strays = (await Promise.all(backends.map((b) => b.removeStrays?.() ?? Promise.resolve([])))).flat();
  for (const backend of backends) {
    for (const lab of await backend.leftovers()) {
      // Each lab by the backend that made it: a kind or kubeconfig lab's folder is not a netns leftover.
      const recorded = recordedBackendOf(lab);
      if (recorded && recorded.name !== backend.name) continue;
      if (!backend.capabilities.keptOnRelease || (await confirmClusterDeletion(lab, options.yes))) reports.push(await backend.down(lab));
      else {
        kept.push(lab);
        keptLines.push(`lab ${lab}: ${backend.capabilities.keptOnRelease} is kept, as you asked`);
        // What release() keeps stays, the lab goes: its journal undone, its namespaces and folder removed.
        if (recorded) reports.push(await releaseKindLab(lab));
      }
    }
  }
  for (const stray of strays) {
    const report = reports.find((r) => r.lab === stray.lab);
    if (report) report.removed.push(...stray.removed);
    else reports.push(stray);
  }
  if (command.optsWithGlobals().json) return printJson({ removed: reports, kept });
  for (const line of keptLines) println(line);
  if (reports.length === 0) return println('Nothing to clean: no netbreak lab left anything on this machine.');
  for (const r of reports) {
    println(`lab ${r.lab}: removed ${r.removed.length} item(s)`);
    for (const item of r.removed) println(`  - ${item}`);
  }
}
