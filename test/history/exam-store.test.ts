// The exam files of the data folder: the exam being sat, replaced whole, and the finished ones, appended once each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { examRecord } from '../helpers/exam-record.js';
import { archiveExam, DamagedExamError, readCurrentExam, readFinishedExams, writeCurrentExam, type ExamFiles } from '../../src/history/exam-store.js';

let dir: string;
let files: ExamFiles;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-exam-store-'));
  files = { current: path.join(dir, 'data', 'exam.json'), finished: path.join(dir, 'data', 'exams.jsonl') };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const exam = examRecord({
  tasks: [{ scenario: 'a', title: 'A', layers: ['dns'], difficulty: 'beginner', seed: 3, weight: 100, flagged: false, sessions: [] }],
});

it('keeps the exam being sat until it is archived, then keeps it once among the finished ones', () => {
  expect(readCurrentExam(files)).toBeUndefined();
  writeCurrentExam(exam, files);
  expect(readCurrentExam(files)).toEqual(exam);
  archiveExam({ ...exam, endedAt: '2026-12-07T10:20:00.000Z' }, files);
  archiveExam({ ...exam, endedAt: '2026-12-07T10:20:00.000Z' }, files);
  expect(readCurrentExam(files)).toBeUndefined();
  expect(readFinishedExams(files).exams.map((e) => e.id)).toEqual(['abc12345']);
});

it('names a damaged exam file instead of replacing it, and skips a damaged finished line with a warning', () => {
  fs.mkdirSync(path.dirname(files.current), { recursive: true });
  fs.writeFileSync(files.current, '{"id": 3');
  expect(() => readCurrentExam(files)).toThrow(DamagedExamError);
  fs.writeFileSync(files.finished, `not json\n${JSON.stringify(exam)}\n`);
  const read = readFinishedExams(files);
  expect(read.exams).toHaveLength(1);
  expect(read.warnings).toEqual([`${files.finished}:1 is not a netbreak exam (a torn or edited line): skipped`]);
});
