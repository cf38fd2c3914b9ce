import type { Command } from 'commander';
import { updateSession } from '../../engine/session.js';
import { hintCost, hintText } from '../../grading/hints.js';
import { sessionContext } from '../context.js';
import { color, printJson, println } from '../output.js';
import { reportToWorkshop } from '../workshop-report.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { session, loaded } = await sessionContext(command, { giveaway: 'hint' });
  const hints = loaded.scenario.hints;
  if (session.hintsUsed >= hints.length) {
    if (command.optsWithGlobals().json) return printJson({ hint: null, used: session.hintsUsed, total: hints.length });
    return println(`No more hints: all ${hints.length} are used. "netbreak debrief" explains everything (after you have tried).`);
  }
  // The hint is picked under the session lock: two shells asking at once get hints 2 and 3, never 2 twice.
  let hint = hints[session.hintsUsed]!;
  const updated = await updateSession(session.lab, (s) => {
    hint = hints[Math.min(s.hintsUsed, hints.length - 1)]!;
    s.hintsUsed = Math.min(s.hintsUsed + 1, hints.length);
  });
  await reportToWorkshop('hint', updated);
  const result = { hint: hintText(hint), number: updated.hintsUsed, total: hints.length, cost: hintCost(hint) };
  if (command.optsWithGlobals().json) return printJson(result);
  println(`${color.bold(`Hint ${result.number}/${result.total}`)} ${color.dim(`(−${result.cost} points)`)}`);
  println(result.hint);
}
