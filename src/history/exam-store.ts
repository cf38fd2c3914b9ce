// Where exams live in the data folder: the one being sat in exam.json
// (replaced whole on every change), the finished ones appended to exams.jsonl
// as the history appends sessions.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, sudoOwner } from './data-dir.js';
import { ExamRecord } from './exam-record.js';
import { chownQuietly, ensureDir, type HistoryLocation } from './store.js';
import { writeFileAtomically } from '../atomic-write.js';

export const CURRENT_EXAM_FILE = 'exam.json';
export const EXAMS_FILE = 'exams.jsonl';

export interface ExamFiles {
  current: string;
  finished: string;
  owner?: HistoryLocation['owner'];
}

export function defaultExamFiles(env: NodeJS.ProcessEnv = process.env): ExamFiles {
  const owner = sudoOwner(env);
  const dir = dataDir(env, owner);
  return { current: path.join(dir, CURRENT_EXAM_FILE), finished: path.join(dir, EXAMS_FILE), owner };
}

/** The exam being sat, if any. A file that is not an exam is reported, never silently replaced. */
export function readCurrentExam(files: ExamFiles = defaultExamFiles()): ExamRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(files.current, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = ExamRecord.safeParse(safeJson(text));
  if (!parsed.success) throw new DamagedExamError(files.current);
  return parsed.data;
}

export class DamagedExamError extends Error {
  constructor(readonly file: string) {
    super(`${file} is not a netbreak exam (a torn or edited file): remove it to give up that exam`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Replaces exam.json atomically: a crash leaves the old or the new exam, never half of one. */
export function writeCurrentExam(exam: ExamRecord, files: ExamFiles = defaultExamFiles()): void {
  ensureDir(path.dirname(files.current), files.owner);
  writeFileAtomically(files.current, JSON.stringify(ExamRecord.parse(exam), null, 2));
  if (files.owner) chownQuietly(files.current, files.owner);
}

/** Forgets the exam being sat without keeping it: one whose first task never came up. */
export function discardCurrentExam(files: ExamFiles = defaultExamFiles()): void {
  fs.rmSync(files.current, { force: true });
}

/** Moves the ended exam from exam.json to the end of exams.jsonl (once: an exam already there is not added again). */
export function archiveExam(exam: ExamRecord, files: ExamFiles = defaultExamFiles()): void {
  ensureDir(path.dirname(files.finished), files.owner);
  if (!readFinishedExams(files).exams.some((e) => e.id === exam.id)) {
    const existed = fs.existsSync(files.finished);
    fs.appendFileSync(files.finished, `${JSON.stringify(ExamRecord.parse(exam))}\n`);
    if (!existed && files.owner) chownQuietly(files.finished, files.owner);
  }
  fs.rmSync(files.current, { force: true });
}

/** Every finished exam, oldest first; a damaged line is skipped with a warning. */
export function readFinishedExams(files: ExamFiles = defaultExamFiles()): { exams: ExamRecord[]; warnings: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(files.finished, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exams: [], warnings: [] };
    throw error;
  }
  const exams: ExamRecord[] = [];
  const warnings: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const parsed = ExamRecord.safeParse(safeJson(line));
    if (parsed.success) exams.push(parsed.data);
    else warnings.push(`${files.finished}:${i + 1} is not a netbreak exam (a torn or edited line): skipped`);
  });
  return { exams, warnings };
}
