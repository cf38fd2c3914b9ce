import type { Command } from 'commander';
import { sessionContext } from '../context.js';
import { color, printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { session, loaded } = await sessionContext(command);
  const { scenario } = loaded;
  const solved = Boolean(session.fixedAt);
  if (command.optsWithGlobals().json) {
    return printJson({ scenario: scenario.id, debrief: scenario.debrief, diagnosis: scenario.diagnosis, fixed: solved, referenceFix: scenario.fix });
  }
  if (!solved) println(color.yellow('Spoiler ahead: the fix is not in place yet ("netbreak check" has not passed).\n'));
  println(color.bold(`Debrief: ${scenario.title}`));
  println();
  println(`${color.bold('Root cause')}  ${scenario.diagnosis.causes[scenario.diagnosis.cause]} (${scenario.diagnosis.object}, layer ${scenario.diagnosis.layer})`);
  println();
  println(scenario.debrief.trim());
}
