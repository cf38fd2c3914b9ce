import type { Command } from 'commander';
import { collectTrace } from '../../trace/collect.js';
import { renderTrace, type TraceReport } from '../../trace/render.js';
import { sessionContext } from '../context.js';
import { color, printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { lab, session, loaded } = await sessionContext(command, { giveaway: 'debrief' });
  const { scenario } = loaded;
  const solved = Boolean(session.fixedAt);
  // The symptom's path as it is now: where it dies before the fix, that it arrives after.
  let trace: TraceReport | undefined;
  let traceError: string | undefined;
  try {
    trace = await collectTrace(lab, { from: scenario.symptom.from, to: scenario.symptom.to });
  } catch (error) {
    traceError = (error as Error).message;
  }
  if (command.optsWithGlobals().json) {
    return printJson({
      scenario: scenario.id,
      debrief: scenario.debrief,
      diagnosis: scenario.diagnosis,
      fixed: solved,
      referenceFix: scenario.fix,
      trace: trace ? { when: solved ? 'after the fix' : 'before the fix', ...trace } : null,
      ...(traceError ? { traceError } : {}),
    });
  }
  if (!solved) println(color.yellow('Spoiler ahead: the fix is not in place yet ("netbreak check" has not passed).\n'));
  println(color.bold(`Debrief: ${scenario.title}`));
  println();
  const { evidence } = scenario.diagnosis;
  println(
    `${color.bold('Root cause')}  ${scenario.diagnosis.causes[scenario.diagnosis.cause]} (${scenario.diagnosis.object}, layer ${scenario.diagnosis.layer})`,
  );
  println(`${color.bold('Evidence')}    ${evidence.question} ${color.bold(evidence.answer)}, shown by: ${evidence.reveal}`);
  println();
  println(scenario.debrief.trim());
  println();
  println(color.bold(`The symptom's path now (${solved ? 'after the fix' : 'before the fix'})`));
  println('-'.repeat(40));
  if (trace) println(renderTrace(trace, { paint: { ok: color.green, fail: color.red, dim: color.dim, bold: (s) => s }, indent: '  ' }));
  else println(color.yellow(`  (no trace: ${traceError})`));
  println();
  println(`  Trace any path yourself: netbreak trace --from ${scenario.symptom.from} --to ${scenario.symptom.to} [--pcap DIR]`);
}
