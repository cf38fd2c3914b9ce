import type { Command } from 'commander';
import { clean } from '../../engine/use-cases/clean.js';
import { confirmClusterDeletion } from '../confirm-cluster-deletion.js';
import { printNotices } from '../notices.js';
import { printJson, println } from '../output.js';

export async function run(options: { yes?: boolean }, command: Command): Promise<void> {
  const { removed, kept, notices } = await clean((cluster) => confirmClusterDeletion(cluster, options.yes));
  printNotices(notices);
  if (command.optsWithGlobals().json) return printJson({ removed, kept: kept.map((k) => k.lab) });
  for (const { cluster } of kept) println(`kind cluster ${cluster}: kept, as you asked`);
  if (removed.length === 0) return println('Nothing to clean: no netbreak lab left anything on this machine.');
  for (const r of removed) {
    println(`lab ${r.lab}: removed ${r.removed.length} item(s)`);
    for (const item of r.removed) println(`  - ${item}`);
  }
}
