import type { Command } from 'commander';
import { resolveLabName } from '../../engine/current-lab.js';
import { readSession } from '../../engine/session.js';
import { recordFinishedSession } from '../../history/finish.js';
import { revertJournal } from '../../engine/start-scenario.js';
import { UserError } from '../../errors.js';
import type { CleanReport } from '../../lab/backend.js';
import { backendByName, backendOfLab } from '../../lab/backends.js';
import { readLabRecord } from '../../lab/state.js';
import { loadScenario } from '../../scenario/loader.js';
import { interactive, yesNo } from '../prompts.js';
import { terminalProgress } from '../progress.js';
import { silentProgress } from '../../lab/progress.js';
import { clock, printJson, println } from '../output.js';
import { reportToWorkshop } from '../workshop-report.js';

/** Deleting a kind cluster throws away minutes of work and pulled images: ask, unless --yes. */
export async function confirmClusterDeletion(lab: string, yes: boolean | undefined): Promise<boolean> {
  const cluster = readLabRecord(lab)?.cluster ?? lab;
  if (yes) return true;
  if (!interactive()) throw new UserError(`deleting kind cluster ${cluster} needs a yes: run again with --yes`);
  return yesNo(`Delete kind cluster ${cluster} (netbreak created it; the next start creates it again, which takes a minute or two)?`);
}

/** Ends a lab as its backend does: netns and kubeconfig remove everything; kind keeps its cluster unless asked to delete it. */
async function endLab(name: string, options: { deleteCluster?: boolean; yes?: boolean }, session: ReturnType<typeof readSession>): Promise<() => Promise<CleanReport>> {
  const backend = backendOfLab(name);
  if (backend.name !== 'kind') return () => backend.down(name);
  if (options.deleteCluster) {
    if (!(await confirmClusterDeletion(name, options.yes))) throw new UserError('cancelled: the kind cluster is kept', 130);
    return () => backend.down(name);
  }
  return () => releaseKindLab(name, session);
}

/**
 * Ends a kind lab but keeps its cluster. The cluster outlives the lab, so what
 * the scenario's journal records outside its namespaces (a rule typed on a
 * node, a patched kube-system object) is undone first, also after a start that
 * was interrupted half way.
 */
export async function releaseKindLab(name: string, session = readSession(name)): Promise<CleanReport> {
  const backend = backendByName('kind')!;
  if (session) {
    const lab = await backend.attach(name).catch(() => undefined);
    const problems = lab ? await revertJournal(lab, await loadScenario(session.scenarioDir, { seed: session.seed })) : [];
    for (const problem of problems) {
      process.stderr.write(`netbreak: warning: could not undo ${problem}; the kind cluster may keep that change ("netbreak clean" deletes the cluster)\n`);
    }
  }
  return backend.release!(name);
}

export async function run(options: { lab?: string; deleteCluster?: boolean; yes?: boolean }, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const name = await resolveLabName(options.lab);
  const session = readSession(name);
  const progress = json ? silentProgress : terminalProgress();
  const end = await endLab(name, options, session);
  const report = await progress.step(`Removing lab ${name}`, end);
  // Once the lab is down: a stop that fails records nothing and is retried (the session's id is stable, so never twice).
  const stoppedAt = new Date();
  const history = session ? await recordFinishedSession(session, stoppedAt) : undefined;
  if (history && 'warning' in history) process.stderr.write(`netbreak: warning: ${history.warning}\n`);
  // Reported from where the history is written: the board gets the same final state the history keeps.
  if (session && session.status !== 'starting') await reportToWorkshop('stopped', session, stoppedAt);
  const recorded = history && 'id' in history ? history : undefined;
  const summary = session
    ? {
        scenario: session.scenario,
        elapsed: Date.now() - Date.parse(session.startedAt),
        hintsUsed: session.hintsUsed,
        diagnosis: session.diagnosis?.total ?? null,
        fixed: Boolean(session.fixedAt),
      }
    : null;
  if (json) return printJson({ lab: name, removed: report.removed, session: summary ? { ...summary, id: recorded?.id ?? null } : null });
  if (summary) {
    println(
      `${summary.scenario}: ${clock(summary.elapsed)} elapsed, ${summary.hintsUsed} hint(s), diagnosis ${summary.diagnosis ?? 'not given'}${summary.diagnosis !== null ? '/100' : ''}, ${summary.fixed ? 'fixed' : 'not fixed'}.`,
    );
    if (recorded) println(`Saved as session ${recorded.id}: see "netbreak progress" and "netbreak report".`);
  }
}
