// The exam being sat, as the engine's use-cases read it: a damaged exam file
// is a one-sentence error, and "no exam" says how to start one.
import { DamagedExamError, defaultExamFiles, readCurrentExam, type ExamFiles } from '../../history/exam-store.js';
import type { ExamRecord } from '../../history/exam-record.js';
import { UserError } from '../../errors.js';

export function currentExam(files: ExamFiles = defaultExamFiles()): ExamRecord | undefined {
  try {
    return readCurrentExam(files);
  } catch (error) {
    if (error instanceof DamagedExamError) throw new UserError(error.message);
    throw error;
  }
}

export function requireExam(files: ExamFiles = defaultExamFiles()): ExamRecord {
  const exam = currentExam(files);
  if (!exam) throw new UserError('no exam is running: start one with "netbreak exam start" (see "netbreak exam --help")', 4);
  return exam;
}

/** The running exam whose task is on `lab`, if the lab's session is an exam task. */
export function examOfLab(lab: string, files: ExamFiles = defaultExamFiles()): ExamRecord | undefined {
  const exam = currentExam(files);
  return exam && exam.lab === lab && exam.current !== null ? exam : undefined;
}
