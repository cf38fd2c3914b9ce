import type { Command } from 'commander';
import { takeHint } from '../../engine/use-cases/hint.js';
import { sessionContext } from '../context.js';
import { printNotices } from '../notices.js';
import { color, printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { notices, ...taken } = await takeHint(await sessionContext(command));
  printNotices(notices);
  if (command.optsWithGlobals().json) return printJson(taken);
  if (taken.hint === null) return println(`No more hints: all ${taken.total} are used. "netbreak debrief" explains everything (after you have tried).`);
  println(`${color.bold(`Hint ${taken.number}/${taken.total}`)} ${color.dim(`(−${taken.cost} points)`)}`);
  println(taken.hint);
}
