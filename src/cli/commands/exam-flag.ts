// `netbreak exam flag [N]`: mark a task to come back to (again: unmark it).
import type { Command } from 'commander';
import { requireExam } from '../../engine/exam/current-exam.js';
import { flagTask } from '../../engine/exam/navigate.js';
import { examEnv } from '../../engine/exam/task-lab.js';
import { UserError } from '../../errors.js';
import { silentProgress } from '../../lab/progress.js';
import { examJson, printTaskList } from '../exam-output.js';
import { printJson } from '../output.js';

export async function run(task: string | undefined, _options: unknown, command: Command): Promise<void> {
  const env = examEnv(silentProgress);
  const number = task === undefined ? undefined : Number(task);
  if (number !== undefined && !Number.isInteger(number))
    throw new UserError(`exam flag takes a task number, for example "netbreak exam flag 2" (not ${JSON.stringify(task)})`);
  const flagged = flagTask(requireExam(env.files), number, env);
  if (command.optsWithGlobals().json) return printJson(examJson(flagged, env.clock));
  printTaskList(flagged, env.clock);
}
