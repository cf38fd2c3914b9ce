// `netbreak exam next` and `netbreak exam goto N`: leave the current task
// (graded as it stands) and open another. When the time is up, the exam ends instead.
import type { Command } from 'commander';
import { requireExam } from '../../engine/exam/current-exam.js';
import { endIfTimeIsUp } from '../../engine/exam/end-exam.js';
import { gotoTask, nextTask } from '../../engine/exam/navigate.js';
import { examEnv } from '../../engine/exam/task-lab.js';
import { silentProgress } from '../../lab/progress.js';
import { tellInterruption } from '../interrupt.js';
import { examJson, printOpenTask, printScoreTable, printTaskList } from '../exam-output.js';
import { printJson, println } from '../output.js';
import { terminalProgress } from '../progress.js';

export async function move(to: number | 'next', command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const env = examEnv(json ? silentProgress : terminalProgress(), { interrupted: tellInterruption });
  const ended = await endIfTimeIsUp(env);
  if (ended) {
    process.exitCode = 1;
    if (json) return printJson(examJson(ended, env.clock));
    println('Time is up: the exam is over and graded.');
    return printScoreTable(ended);
  }
  const exam = requireExam(env.files);
  const moved = await (to === 'next' ? nextTask(exam, env) : gotoTask(exam, to, env));
  if (json) return printJson(examJson(moved, env.clock));
  printTaskList(moved, env.clock);
  println();
  await printOpenTask(moved);
}

export async function run(_options: unknown, command: Command): Promise<void> {
  await move('next', command);
}
