// An exam record for tests: 24 minutes on the netns lab, no task open, changed
// where a test needs it (its tasks, its end, its clock).
import type { ExamRecord } from '../../src/history/exam-record.js';

export function examRecord(change: Partial<ExamRecord> = {}): ExamRecord {
  return {
    v: 1,
    id: 'abc12345',
    seed: 7,
    backend: 'netns',
    lab: 'netbreak',
    minutes: 24,
    layersAsked: [],
    startedAt: '2026-12-07T10:00:00.000Z',
    pausedMs: 0,
    current: null,
    tasks: [],
    ...change,
  };
}
