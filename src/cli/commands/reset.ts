import type { Command } from 'commander';
import { resetScenario } from '../../engine/start-scenario.js';
import { silentProgress } from '../../lab/progress.js';
import { sessionContext } from '../context.js';
import { terminalProgress } from '../progress.js';
import { removeLabOnInterrupt } from '../interrupt.js';
import { printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const { session, loaded } = await sessionContext(command, { afterInterruption: true });
  const reset = await removeLabOnInterrupt(session.lab, () => resetScenario(session, loaded, json ? silentProgress : terminalProgress()));
  if (json) return printJson({ scenario: reset.scenario, lab: reset.lab, resets: reset.resets });
  println(`${reset.scenario} is back as it was at start (your changes are gone; the clock and hints are kept).`);
}
