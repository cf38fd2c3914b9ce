// The exam's sense of time, injectable so tests can move it: how long is
// left, and whether the time is up.
import { examDeadline, type ExamRecord } from '../../history/exam-record.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The CKA gives 120 minutes for 15–20 tasks; a netbreak task is a whole investigation with a diagnosis, so 12 minutes each. */
export const MINUTES_PER_TASK = 12;
export const DEFAULT_TASK_COUNT = 10;

export function defaultMinutes(count: number): number {
  return count * MINUTES_PER_TASK;
}

export function timeLeftMs(exam: ExamRecord, clock: Clock = systemClock): number {
  return Math.max(0, examDeadline(exam) - clock.now());
}

export function timeIsUp(exam: ExamRecord, clock: Clock = systemClock): boolean {
  return clock.now() >= examDeadline(exam);
}

/** "1h05m", "12m30s", "45s": time left as an exam timer shows it. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
