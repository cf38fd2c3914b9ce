import type { Command } from 'commander';
import { reset } from '../../engine/use-cases/reset.js';
import { silentProgress } from '../../lab/progress.js';
import { sessionContext } from '../context.js';
import { terminalProgress } from '../progress.js';
import { tellInterruption } from '../interrupt.js';
import { printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const context = await sessionContext(command, { afterInterruption: true });
  const done = await reset(context, json ? silentProgress : terminalProgress(), tellInterruption);
  if (json) return printJson({ scenario: done.scenario, lab: done.lab, resets: done.resets });
  println(`${done.scenario} is back as it was at start (your changes are gone; the clock and hints are kept).`);
}
