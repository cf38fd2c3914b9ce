// The exam's clock (injected here): time left, the deadline moved by lab build
// time, the time running out ending the exam at the next command, the hint
// refusal, and where `next` goes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMinutes, formatDuration, timeIsUp, timeLeftMs, type Clock } from '../../../src/engine/exam/clock.js';
import { examGate } from '../../../src/engine/exam/gate.js';
import { nextTaskIndex, toggleFlag } from '../../../src/engine/exam/navigate.js';
import { examEnv, type ExamEnv } from '../../../src/engine/exam/task-lab.js';
import { UserError } from '../../../src/errors.js';
import type { ExamRecord, ExamTask } from '../../../src/history/exam-record.js';
import { readCurrentExam, readFinishedExams, writeCurrentExam } from '../../../src/history/exam-store.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { examRecord } from '../../helpers/exam-record.js';

const START = Date.parse('2026-12-07T10:00:00Z');

function fakeClock(at: number): Clock & { at: number } {
  const clock = { at, now: () => clock.at };
  return clock;
}

const task = (scenario: string, change: Partial<ExamTask> = {}): ExamTask => ({
  scenario,
  title: scenario,
  layers: ['dns'],
  difficulty: 'beginner',
  seed: 3,
  weight: 25,
  flagged: false,
  sessions: [],
  ...change,
});

function exam(change: Partial<ExamRecord> = {}): ExamRecord {
  return examRecord({
    id: 'e1',
    lab: 'exam-test-no-such-lab',
    minutes: 30,
    startedAt: new Date(START).toISOString(),
    current: 0,
    tasks: [task('a'), task('b'), task('c'), task('d')],
    ...change,
  });
}

let dir: string;
let env: ExamEnv;
let clock: ReturnType<typeof fakeClock>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'netbreak-exam-'));
  clock = fakeClock(START);
  env = examEnv(silentProgress, {
    clock,
    files: { current: path.join(dir, 'exam.json'), finished: path.join(dir, 'exams.jsonl') },
    history: { file: path.join(dir, 'history.jsonl') },
  });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('exam time', () => {
  it('counts down from --minutes, and lab build time does not count', () => {
    clock.at = START + 10 * 60_000;
    expect(timeLeftMs(exam(), clock)).toBe(20 * 60_000);
    expect(timeLeftMs(exam({ pausedMs: 45_000 }), clock)).toBe(20 * 60_000 + 45_000);
    expect(formatDuration(20 * 60_000 + 45_000)).toBe('20m45s');
    expect(formatDuration(125 * 60_000)).toBe('2h05m');
  });

  it('is up at the deadline, not before', () => {
    clock.at = START + 30 * 60_000 - 1;
    expect(timeIsUp(exam(), clock)).toBe(false);
    clock.at += 1;
    expect(timeIsUp(exam(), clock)).toBe(true);
    expect(timeLeftMs(exam(), clock)).toBe(0);
  });

  it('defaults to 12 minutes a task: 120 for the default 10 tasks', () => {
    expect(defaultMinutes(10)).toBe(120);
  });
});

describe('the exam gate of the learner commands', () => {
  it('refuses hints, the reference fix and the debrief during an exam, in one sentence', async () => {
    writeCurrentExam(exam(), env.files);
    const refused = await examGate('exam-test-no-such-lab', 'hint', env).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toBe(
      'hints are not available during an exam (exam e1, 30m00s left): work it out, or move on with "netbreak exam next"',
    );
    await expect(examGate('exam-test-no-such-lab', 'solve', env)).rejects.toThrow(/^the reference fix is not available during an exam/);
    await expect(examGate('exam-test-no-such-lab', 'work', env)).resolves.toBeUndefined();
    // Another lab is not the exam's: its hints are its own business.
    await expect(examGate('other-lab', 'hint', env)).resolves.toBeUndefined();
  });

  it('ends and grades the exam at the first command after the time is up', async () => {
    writeCurrentExam(
      exam({
        tasks: [task('a', { sessions: ['s1'], grade: { fixed: true, diagnosis: 100, points: 25, judgedBy: 'grader-check' } }), task('b'), task('c'), task('d')],
      }),
      env.files,
    );
    clock.at = START + 31 * 60_000;
    const ended = await examGate('exam-test-no-such-lab', 'work', env).catch((e: unknown) => e);
    expect((ended as UserError).exitCode).toBe(4);
    expect((ended as UserError).message).toMatch(/^the exam's time is up: exam e1 is ended and graded \(25%\)/);
    expect(readCurrentExam(env.files)).toBeUndefined();
    const [finished] = readFinishedExams(env.files).exams;
    expect(finished).toMatchObject({ id: 'e1', endedBy: 'time', result: { percent: 25, passed: false } });
  });
});

describe('moving through the tasks', () => {
  it('goes to the next task never opened, then to flagged ones, wrapping around', () => {
    expect(nextTaskIndex(exam({ current: 0 }))).toBe(1);
    const opened = (i: number) => ({ sessions: [`s${i}`] });
    const tasks = [task('a', opened(0)), task('b', { ...opened(1), flagged: true }), task('c', opened(2)), task('d')];
    expect(nextTaskIndex(exam({ current: 2, tasks }))).toBe(3);
    const allOpened = tasks.map((t, i) => ({ ...t, ...opened(i) }));
    expect(nextTaskIndex(exam({ current: 3, tasks: allOpened }))).toBe(1);
    expect(nextTaskIndex(exam({ current: 1, tasks: allOpened }))).toBeUndefined();
  });

  it('flags the current task or task N, and unflags it again', () => {
    const flagged = toggleFlag(exam({ current: 2 }), undefined);
    expect(flagged.tasks.map((t) => t.flagged)).toEqual([false, false, true, false]);
    expect(toggleFlag(flagged, 3).tasks[2]!.flagged).toBe(false);
    expect(() => toggleFlag(flagged, 5)).toThrow('there is no task 5: this exam has tasks 1 to 4 ("netbreak exam status" lists them)');
  });
});
