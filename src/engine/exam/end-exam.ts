// Ending an exam: the task in progress is graded and its lab removed, the
// score table computed, and the exam moved to the finished ones. When the time
// is up, the next exam-aware command does this before anything else.
import type { ExamRecord } from '../../history/exam-record.js';
import { archiveExam, readFinishedExams } from '../../history/exam-store.js';
import { currentExam } from './current-exam.js';
import { timeIsUp } from './clock.js';
import { examResult } from './score.js';
import { leaveTask, type ExamEnv } from './task-lab.js';

export async function endExam(exam: ExamRecord, env: ExamEnv, by: 'learner' | 'time' = 'learner'): Promise<ExamRecord> {
  const left = await leaveTask(exam, env);
  const ended: ExamRecord = { ...left, endedAt: new Date(env.clock.now()).toISOString(), endedBy: by, result: examResult(left) };
  archiveExam(ended, env.files);
  return ended;
}

/** Ends the running exam if its time ran out; the ended exam, or undefined when none was due. */
export async function endIfTimeIsUp(env: ExamEnv): Promise<ExamRecord | undefined> {
  const exam = currentExam(env.files);
  if (!exam || !timeIsUp(exam, env.clock)) return undefined;
  return endExam(exam, env, 'time');
}

/** The most recently finished exam, for `exam status` and `exam end` once the time has ended it. */
export function lastFinishedExam(env: Pick<ExamEnv, 'files'>): ExamRecord | undefined {
  return readFinishedExams(env.files).exams.at(-1);
}
