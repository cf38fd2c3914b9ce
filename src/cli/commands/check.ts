import type { Command } from 'commander';
import { check } from '../../engine/use-cases/check.js';
import { sessionContext } from '../context.js';
import { printNotices } from '../notices.js';
import { clock, color, mark, printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const context = await sessionContext(command);
  const { report, session: updated, notices } = await check(context);
  process.exitCode = report.passed ? 0 : 1;
  printNotices(notices);
  if (command.optsWithGlobals().json) return printJson({ ...report, fixedAt: updated.fixedAt ?? null });
  for (const item of report.items) {
    println(`${mark(item.pass)} ${color.dim(item.kind.padEnd(6))} ${item.description}`);
    if (!item.pass) println(`         ${color.red(item.detail)}`);
  }
  println();
  if (report.passed) {
    println(
      color.green(`Fixed in ${clock(Date.parse(updated.fixedAt!) - Date.parse(context.session.startedAt))}.`) + ' Read what happened with "netbreak debrief".',
    );
    if (!context.session.diagnosis) println('You have not given a diagnosis yet: "netbreak diagnose" (it is graded too).');
  } else println(`${report.items.filter((i) => !i.pass).length} item(s) fail. Keep going, or take a "netbreak hint".`);
}
