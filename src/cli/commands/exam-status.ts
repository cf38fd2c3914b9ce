// `netbreak exam status`: time left, task k of N and the task list; the score
// table once the exam has ended (also when the time ended it just now).
import type { Command } from 'commander';
import { currentExam } from '../../engine/exam/current-exam.js';
import { endIfTimeIsUp, lastFinishedExam } from '../../engine/exam/end-exam.js';
import { examEnv } from '../../engine/exam/task-lab.js';
import { UserError } from '../../errors.js';
import { silentProgress } from '../../lab/progress.js';
import { examJson, printOpenTask, printScoreTable, printTaskList } from '../exam-output.js';
import { printJson, println } from '../output.js';
import { terminalProgress } from '../progress.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const env = examEnv(json ? silentProgress : terminalProgress());
  const exam = (await endIfTimeIsUp(env)) ?? currentExam(env.files) ?? lastFinishedExam(env);
  if (!exam) throw new UserError('no exam has been sat yet: start one with "netbreak exam start"', 4);
  if (json) return printJson(examJson(exam, env.clock));
  if (exam.result) printScoreTable(exam);
  else {
    printTaskList(exam, env.clock);
    println();
    await printOpenTask(exam);
  }
}
