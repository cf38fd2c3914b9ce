// Exam grading: per task (fix and diagnosis, only what was done in time), per layer, and the total.
import { describe, expect, it } from 'vitest';
import { bestGrade, examResult, gradeVisit } from '../../../src/engine/exam/score.js';
import type { Session } from '../../../src/engine/session.js';
import type { ExamTask } from '../../../src/history/exam-record.js';

const DEADLINE = Date.parse('2026-12-07T12:00:00Z');
const before = '2026-12-07T11:59:00.000Z';
const after = '2026-12-07T12:01:00.000Z';

function session(change: Partial<Session> = {}): Session {
  return {
    scenario: 's',
    scenarioDir: '/x',
    lab: 'l',
    backend: 'netns',
    seed: 1,
    startedAt: '2026-12-07T11:00:00Z',
    hintsUsed: 0,
    journal: [],
    checks: [],
    ...change,
  };
}
const diagnosis = (total: number, at: string) => ({ answer: { layer: 'dns', object: 'x', cause: 'y', evidence: 'z' }, points: total, max: 100, total, at });

describe('grading one task', () => {
  it("gives 60% of the weight for a fix the grader's check confirms and 40% for the diagnosis score", () => {
    expect(gradeVisit({ weight: 20 }, session({ diagnosis: diagnosis(100, before) }), DEADLINE, true)).toEqual({
      fixed: true,
      diagnosis: 100,
      points: 20,
      judgedBy: 'grader-check',
    });
    expect(gradeVisit({ weight: 20 }, session({ diagnosis: diagnosis(55, before) }), DEADLINE, false)).toEqual({
      fixed: false,
      diagnosis: 55,
      points: 4.4,
      judgedBy: 'grader-check',
    });
  });

  it('judges the end state, not an earlier passing check, when the grader could check', () => {
    const s = session({ checks: [{ at: before, passed: true }] });
    expect(gradeVisit({ weight: 10 }, s, DEADLINE, false).fixed).toBe(false);
  });

  it('after the deadline counts only the checks and the diagnosis given in time', () => {
    const late = session({ checks: [{ at: after, passed: true }], diagnosis: diagnosis(100, after) });
    expect(gradeVisit({ weight: 10 }, late, DEADLINE)).toEqual({ fixed: false, diagnosis: null, points: 0, judgedBy: 'no-check' });
    const inTime = session({ checks: [{ at: before, passed: true }], diagnosis: diagnosis(80, before) });
    expect(gradeVisit({ weight: 10 }, inTime, DEADLINE)).toEqual({ fixed: true, diagnosis: 80, points: 9.2, judgedBy: 'learner-check' });
  });

  it('a task never checked scores its diagnosis part only', () => {
    expect(gradeVisit({ weight: 10 }, session({ diagnosis: diagnosis(100, before) }), DEADLINE)).toEqual({
      fixed: false,
      diagnosis: 100,
      points: 4,
      judgedBy: 'no-check',
    });
  });

  it('earns nothing for a fix made with the reference solution', () => {
    expect(gradeVisit({ weight: 10 }, session({ solvedWithReference: true }), DEADLINE, true).fixed).toBe(false);
  });

  it('keeps the best of each part over visits: coming back can only add', () => {
    const first = gradeVisit({ weight: 10 }, session({ diagnosis: diagnosis(90, before) }), DEADLINE, false);
    const second = gradeVisit({ weight: 10 }, session(), DEADLINE, true);
    expect(bestGrade({ weight: 10 }, first, second)).toMatchObject({ fixed: true, diagnosis: 90, points: 9.6 });
  });
});

const task = (scenario: string, layers: string[], weight: number, grade?: ExamTask['grade']): ExamTask => ({
  scenario,
  title: scenario,
  layers,
  difficulty: 'beginner',
  seed: 1,
  weight,
  flagged: false,
  sessions: [],
  grade,
});

describe('the score table', () => {
  it('scores per task, per layer (a task of two layers in both) and in total against the 66% pass mark', () => {
    const result = examResult({
      tasks: [
        task('a', ['dns'], 50, { fixed: true, diagnosis: 100, points: 50, judgedBy: 'grader-check' }),
        task('b', ['dns', 'networkpolicy'], 30, { fixed: false, diagnosis: 50, points: 6, judgedBy: 'grader-check' }),
        task('c', ['service'], 20),
      ],
    });
    expect(result.tasks.map((t) => [t.scenario, t.points, t.fixed])).toEqual([
      ['a', 50, true],
      ['b', 6, false],
      ['c', 0, false],
    ]);
    expect(result.layers).toEqual([
      { layer: 'dns', tasks: 2, points: 56, max: 80, percent: 70 },
      { layer: 'networkpolicy', tasks: 1, points: 6, max: 30, percent: 20 },
      { layer: 'service', tasks: 1, points: 0, max: 20, percent: 0 },
    ]);
    expect(result).toMatchObject({ percent: 56, passed: false, passMark: 66 });
    expect(examResult({ tasks: [task('a', ['dns'], 100, { fixed: true, diagnosis: 20, points: 68, judgedBy: 'grader-check' })] }).passed).toBe(true);
  });
});
