// How an exam is graded. A task's weight is split between the fix (60%,
// judged on the end state, as the CKA grades) and the diagnosis (40%, its
// 0–100 score). Only what was done before the time ran out counts.
import type { ExamRecord, ExamResult, ExamTask, TaskGrade } from '../../history/exam-record.js';
import type { Session } from '../session.js';

export const FIX_SHARE = 0.6;
export const DIAGNOSIS_SHARE = 0.4;
/** The CKA's pass mark. */
export const PASS_PERCENT = 66;

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The grade of one visit of a task. `graderCheck` is the result of the check
 * the exam ran on leaving the task in time; without it (the time ran out
 * first) the fix counts only if a check of the learner passed before the deadline.
 */
export function gradeVisit(task: Pick<ExamTask, 'weight'>, session: Session, deadline: number, graderCheck?: boolean): TaskGrade {
  const inTime = (at: string | undefined) => at !== undefined && Date.parse(at) <= deadline;
  const learnerFixed = session.checks.some((c) => c.passed && inTime(c.at)) && !session.solvedWithReference;
  const fixed = graderCheck === undefined ? learnerFixed : graderCheck && !session.solvedWithReference;
  const diagnosis = session.diagnosis && inTime(session.diagnosis.at) ? session.diagnosis.total : null;
  const points = round1(task.weight * ((fixed ? FIX_SHARE : 0) + DIAGNOSIS_SHARE * ((diagnosis ?? 0) / 100)));
  const judgedBy = graderCheck !== undefined ? 'grader-check' : session.checks.some((c) => inTime(c.at)) ? 'learner-check' : 'no-check';
  return { fixed, diagnosis, points, judgedBy };
}

/** Coming back to a task can only add: each part keeps the best of the visits. */
export function bestGrade(task: Pick<ExamTask, 'weight'>, a: TaskGrade | undefined, b: TaskGrade): TaskGrade {
  if (!a) return b;
  const fixed = a.fixed || b.fixed;
  const diagnosis = a.diagnosis === null ? b.diagnosis : b.diagnosis === null ? a.diagnosis : Math.max(a.diagnosis, b.diagnosis);
  const points = round1(task.weight * ((fixed ? FIX_SHARE : 0) + DIAGNOSIS_SHARE * ((diagnosis ?? 0) / 100)));
  return { fixed, diagnosis, points, judgedBy: b.points >= a.points ? b.judgedBy : a.judgedBy };
}

/** The score table: per task, per layer (a task of two layers counts in both), and the total against the pass mark. */
export function examResult(exam: Pick<ExamRecord, 'tasks'>): ExamResult {
  const tasks = exam.tasks.map((t, index) => ({
    index,
    scenario: t.scenario,
    weight: t.weight,
    points: t.grade?.points ?? 0,
    fixed: t.grade?.fixed ?? false,
    diagnosis: t.grade?.diagnosis ?? null,
  }));
  const total = tasks.reduce((a, t) => a + t.weight, 0);
  const earned = tasks.reduce((a, t) => a + t.points, 0);
  const percent = round1(total === 0 ? 0 : (earned * 100) / total);
  const layerNames = [...new Set(exam.tasks.flatMap((t) => t.layers))].sort();
  const layers = layerNames.map((layer) => {
    const of = tasks.filter((_, i) => exam.tasks[i]!.layers.includes(layer));
    const max = of.reduce((a, t) => a + t.weight, 0);
    const points = round1(of.reduce((a, t) => a + t.points, 0));
    return { layer, tasks: of.length, points, max, percent: round1(max === 0 ? 0 : (points * 100) / max) };
  });
  return { percent, passed: percent >= PASS_PERCENT, passMark: PASS_PERCENT, tasks, layers };
}
