import type { Command } from 'commander';
import { runSteps } from '../../engine/start-scenario.js';
import { sessionRecorder, updateSession } from '../../engine/session.js';
import { faultKind } from '../../faults/registry.js';
import { sessionContext } from '../context.js';
import { printJson, println } from '../output.js';
import { reportToWorkshop } from '../workshop-report.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { lab, session, loaded } = await sessionContext(command, { giveaway: 'solve' });
  const steps = loaded.scenario.fix;
  await runSteps({ lab, manifests: loaded.manifests }, steps, sessionRecorder(session.lab, 'fix'));
  const updated = await updateSession(session.lab, (s) => {
    s.solvedWithReference = true;
  });
  await reportToWorkshop('solved', updated);
  const applied = steps.map((step) => {
    const [name, params] = Object.entries(step)[0]!;
    return faultKind(name)!.describe(params);
  });
  if (command.optsWithGlobals().json) return printJson({ applied });
  for (const line of applied) println(`applied reference fix: ${line}`);
  println('Run "netbreak check" to see it pass, and "netbreak debrief" for the why.');
}
