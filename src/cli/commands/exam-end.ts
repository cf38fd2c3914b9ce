// `netbreak exam end`: grade the task in progress, remove the lab, print the score table.
import type { Command } from 'commander';
import { currentExam } from '../../engine/exam/current-exam.js';
import { endExam, endIfTimeIsUp, lastFinishedExam } from '../../engine/exam/end-exam.js';
import { examEnv } from '../../engine/exam/task-lab.js';
import { UserError } from '../../errors.js';
import { silentProgress } from '../../lab/progress.js';
import { examJson, printScoreTable } from '../exam-output.js';
import { printJson } from '../output.js';
import { terminalProgress } from '../progress.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const env = examEnv(json ? silentProgress : terminalProgress());
  const byTime = await endIfTimeIsUp(env);
  const running = byTime ? undefined : currentExam(env.files);
  // Ended by the clock a moment ago (by this or an earlier command): its table is what the learner wants.
  const ended = byTime ?? (running ? await endExam(running, env) : lastFinishedExam(env));
  if (!ended) throw new UserError('no exam is running: start one with "netbreak exam start"', 4);
  // Like check: 0 when the exam is passed, 1 when not.
  process.exitCode = ended.result?.passed ? 0 : 1;
  if (json) return printJson(examJson(ended, env.clock));
  printScoreTable(ended);
}
