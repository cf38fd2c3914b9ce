import type { Command } from 'commander';
import { solve } from '../../engine/use-cases/solve.js';
import { sessionContext } from '../context.js';
import { printNotices } from '../notices.js';
import { printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { applied, notices } = await solve(await sessionContext(command));
  printNotices(notices);
  if (command.optsWithGlobals().json) return printJson({ applied });
  for (const line of applied) println(`applied reference fix: ${line}`);
  println('Run "netbreak check" to see it pass, and "netbreak debrief" for the why.');
}
