// `netbreak exam start`: a timed mock exam of seeded tasks on one lab.
import type { Command } from 'commander';
import { startExam, type ExamStartOptions } from '../../engine/exam/start-exam.js';
import { examEnv } from '../../engine/exam/task-lab.js';
import { silentProgress } from '../../lab/progress.js';
import { tellInterruption } from '../interrupt.js';
import { examJson, printOpenTask, printTaskList } from '../exam-output.js';
import { color, printJson, println } from '../output.js';
import { terminalProgress } from '../progress.js';

/** The engine's options, with --layers as typed: a comma-separated list. */
export type ExamStartFlags = Omit<ExamStartOptions, 'layers'> & { layers?: string };

export async function run(options: ExamStartFlags, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const env = examEnv(json ? silentProgress : terminalProgress(), { interrupted: tellInterruption });
  const layers =
    options.layers
      ?.split(',')
      .map((l) => l.trim())
      .filter(Boolean) ?? [];
  const exam = await startExam({ ...options, layers }, env);
  if (json) return printJson(examJson(exam, env.clock));
  println();
  println(
    color.bold(`Seed ${exam.seed}`) + color.dim(`  (share it: "netbreak exam start --seed ${exam.seed} --count ${exam.tasks.length}" sits the same exam)`),
  );
  printTaskList(exam, env.clock);
  println();
  await printOpenTask(exam);
  println();
  println('No hints during the exam. Work the task with the usual commands (get, exec, diagnose, check …);');
  println('then: netbreak exam next | exam flag [N] | exam goto N | exam status (shows the task again) | exam end');
}
