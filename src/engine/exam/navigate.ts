// Moving through an exam as on the CKA's exam desktop: the next task, any
// task by its number, and a flag on a task to come back to. Leaving a task
// grades it as it stands; coming back rebuilds its lab from the start, and
// the grade it had is kept (a visit can only add).
import type { ExamRecord } from '../../history/exam-record.js';
import { writeCurrentExam } from '../../history/exam-store.js';
import { UserError } from '../../errors.js';
import { openTask, leaveTask, type ExamEnv } from './task-lab.js';

/** The task `next` goes to: the next one never opened, else the next flagged one, after the current task. */
export function nextTaskIndex(exam: ExamRecord): number | undefined {
  const n = exam.tasks.length;
  const from = exam.current ?? -1;
  const after = Array.from({ length: n }, (_, k) => (from + 1 + k) % n).filter((i) => i !== exam.current);
  return after.find((i) => exam.tasks[i]!.sessions.length === 0) ?? after.find((i) => exam.tasks[i]!.flagged);
}

export async function nextTask(exam: ExamRecord, env: ExamEnv): Promise<ExamRecord> {
  const next = nextTaskIndex(exam);
  if (next === undefined) {
    throw new UserError('every task has been opened and none is flagged: end the exam with "netbreak exam end", or go back to one with "netbreak exam goto N"');
  }
  return openTask(await leaveTask(exam, env), next, env);
}

/** `goto N`: N counts from 1, as the task list shows it. */
export async function gotoTask(exam: ExamRecord, number: number, env: ExamEnv): Promise<ExamRecord> {
  const index = taskIndex(exam, number);
  if (index === exam.current) throw new UserError(`task ${number} is the one you are on`);
  return openTask(await leaveTask(exam, env), index, env);
}

export function taskIndex(exam: ExamRecord, number: number): number {
  if (!Number.isInteger(number) || number < 1 || number > exam.tasks.length) {
    throw new UserError(`there is no task ${number}: this exam has tasks 1 to ${exam.tasks.length} ("netbreak exam status" lists them)`);
  }
  return number - 1;
}

/** Flags a task to come back to, or takes the flag off again. */
export function flagTask(exam: ExamRecord, number: number | undefined, env: Pick<ExamEnv, 'files'>): ExamRecord {
  const flagged = toggleFlag(exam, number);
  writeCurrentExam(flagged, env.files);
  return flagged;
}

export function toggleFlag(exam: ExamRecord, number: number | undefined): ExamRecord {
  if (number === undefined && exam.current === null) throw new UserError('no task is open: say which with "netbreak exam flag N"');
  const index = number === undefined ? exam.current! : taskIndex(exam, number);
  const tasks = exam.tasks.map((t, i) => (i === index ? { ...t, flagged: !t.flagged } : t));
  return { ...exam, tasks };
}
