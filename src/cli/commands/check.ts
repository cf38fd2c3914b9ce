import type { Command } from 'commander';
import { updateSession } from '../../engine/session.js';
import { runCheck } from '../../grading/check.js';
import { sessionContext } from '../context.js';
import { clock, color, mark, printJson, println } from '../output.js';
import { reportToWorkshop } from '../workshop-report.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { lab, session, loaded } = await sessionContext(command);
  const report = await runCheck(lab, loaded.scenario);
  const at = new Date().toISOString();
  const updated = await updateSession(session.lab, (s) => {
    s.checks.push({ at, passed: report.passed, items: report.items });
    if (report.passed && !s.fixedAt) s.fixedAt = at;
  });
  process.exitCode = report.passed ? 0 : 1;
  await reportToWorkshop('checked', updated);
  if (command.optsWithGlobals().json) return printJson({ ...report, fixedAt: updated.fixedAt ?? null });
  for (const item of report.items) {
    println(`${mark(item.pass)} ${color.dim(item.kind.padEnd(6))} ${item.description}`);
    if (!item.pass) println(`         ${color.red(item.detail)}`);
  }
  println();
  if (report.passed) {
    println(color.green(`Fixed in ${clock(Date.parse(updated.fixedAt!) - Date.parse(session.startedAt))}.`) + ' Read what happened with "netbreak debrief".');
    if (!session.diagnosis) println('You have not given a diagnosis yet: "netbreak diagnose" (it is graded too).');
  } else println(`${report.items.filter((i) => !i.pass).length} item(s) fail. Keep going, or take a "netbreak hint".`);
}
