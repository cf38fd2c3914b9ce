// A mock exam as the data folder keeps it: its seed (so a study group can sit
// the same one), its tasks with their weights, where the learner is, and once
// it has ended its scores per task and per layer. The tasks themselves are
// ordinary sessions of history.jsonl, named here by their ids.
import { z } from 'zod';

export const EXAM_VERSION = 1;

/** What one task earned: its fix as the grader found it, its diagnosis, and the points of its weight. */
export const TaskGrade = z.object({
  fixed: z.boolean(),
  /** 0–100, or null when no diagnosis was given in time. */
  diagnosis: z.number().nullable(),
  points: z.number(),
  /** How the fix was judged: a check the grader ran on leaving, or the last check the learner ran before time ran out. */
  judgedBy: z.enum(['grader-check', 'learner-check', 'no-check']),
});
export type TaskGrade = z.infer<typeof TaskGrade>;

export const ExamTask = z.object({
  scenario: z.string(),
  title: z.string(),
  layers: z.array(z.string()),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  /** The variant seed of this task's scenario, derived from the exam's seed. */
  seed: z.number().int(),
  /** Percent of the exam; the weights of an exam add up to 100. */
  weight: z.number().int().min(1),
  flagged: z.boolean().default(false),
  /** The history session ids of each visit, in order. */
  sessions: z.array(z.string()).default([]),
  /** The best grade of any visit; absent while the task was never left. */
  grade: TaskGrade.optional(),
});
export type ExamTask = z.infer<typeof ExamTask>;

export const LayerScore = z.object({ layer: z.string(), tasks: z.number().int(), points: z.number(), max: z.number(), percent: z.number() });
export type LayerScore = z.infer<typeof LayerScore>;

export const ExamResult = z.object({
  percent: z.number(),
  passed: z.boolean(),
  passMark: z.number(),
  tasks: z.array(
    z.object({ index: z.number().int(), scenario: z.string(), weight: z.number(), points: z.number(), fixed: z.boolean(), diagnosis: z.number().nullable() }),
  ),
  layers: z.array(LayerScore),
});
export type ExamResult = z.infer<typeof ExamResult>;

export const ExamRecord = z.object({
  v: z.number().int(),
  id: z.string().min(1),
  seed: z.number().int(),
  backend: z.string(),
  lab: z.string(),
  minutes: z.number().positive(),
  /** The layers asked for with --layers; empty: every layer. */
  layersAsked: z.array(z.string()).default([]),
  startedAt: z.string(),
  /** Time spent building labs (start, coming back to a task): added to the deadline, it is not the learner's. */
  pausedMs: z.number().min(0).default(0),
  /** The task being worked on (0-based), or null between tasks. */
  current: z.number().int().nullable(),
  tasks: z.array(ExamTask).min(1),
  endedAt: z.string().optional(),
  /** Why it ended: the learner ended it, or the time ran out. */
  endedBy: z.enum(['learner', 'time']).optional(),
  result: ExamResult.optional(),
});
export type ExamRecord = z.infer<typeof ExamRecord>;

/** The moment the exam's time runs out, in ms since the epoch. */
export function examDeadline(exam: Pick<ExamRecord, 'startedAt' | 'minutes' | 'pausedMs'>): number {
  return Date.parse(exam.startedAt) + exam.minutes * 60_000 + exam.pausedMs;
}
