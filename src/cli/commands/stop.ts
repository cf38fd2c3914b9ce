import type { Command } from 'commander';
import { stop } from '../../engine/use-cases/stop.js';
import { silentProgress } from '../../lab/progress.js';
import { confirmClusterDeletion } from '../confirm-cluster-deletion.js';
import { printNotices } from '../notices.js';
import { terminalProgress } from '../progress.js';
import { clock, printJson, println } from '../output.js';

export async function run(options: { lab?: string; deleteCluster?: boolean; yes?: boolean }, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const stopped = await stop({
    lab: options.lab,
    deleteCluster: options.deleteCluster,
    confirmDeletion: (cluster) => confirmClusterDeletion(cluster, options.yes),
    progress: json ? silentProgress : terminalProgress(),
  });
  printNotices(stopped.notices);
  const { summary } = stopped;
  if (json) return printJson({ lab: stopped.lab, removed: stopped.removed, session: summary ? { ...summary, id: stopped.historyId } : null });
  if (summary) {
    println(
      `${summary.scenario}: ${clock(summary.elapsed)} elapsed, ${summary.hintsUsed} hint(s), diagnosis ${summary.diagnosis ?? 'not given'}${summary.diagnosis !== null ? '/100' : ''}, ${summary.fixed ? 'fixed' : 'not fixed'}.`,
    );
    if (stopped.historyId) println(`Saved as session ${stopped.historyId}: see "netbreak progress" and "netbreak report".`);
  }
}
