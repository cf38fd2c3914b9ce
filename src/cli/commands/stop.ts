import type { Command } from 'commander';
import { resolveLabName } from '../../engine/current-lab.js';
import { readSession } from '../../engine/session.js';
import { netnsBackend } from '../../lab/netns/backend.js';
import { terminalProgress } from '../progress.js';
import { silentProgress } from '../../lab/progress.js';
import { clock, printJson, println } from '../output.js';

export async function run(options: { lab?: string }, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const name = await resolveLabName(options.lab);
  const session = readSession(name);
  const progress = json ? silentProgress : terminalProgress();
  const report = await progress.step(`Removing lab ${name}`, () => netnsBackend.down(name));
  const summary = session
    ? {
        scenario: session.scenario,
        elapsed: Date.now() - Date.parse(session.startedAt),
        hintsUsed: session.hintsUsed,
        diagnosis: session.diagnosis?.total ?? null,
        fixed: Boolean(session.fixedAt),
      }
    : null;
  if (json) return printJson({ lab: name, removed: report.removed, session: summary });
  if (summary) {
    println(
      `${summary.scenario}: ${clock(summary.elapsed)} elapsed, ${summary.hintsUsed} hint(s), diagnosis ${summary.diagnosis ?? 'not given'}${summary.diagnosis !== null ? '/100' : ''}, ${summary.fixed ? 'fixed' : 'not fixed'}.`,
    );
  }
}
