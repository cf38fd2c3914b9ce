// What every report format shows about one finished session, worked out once:
// the outcome, the diagnosis part by part, and the result of each check item.
import { DIAGNOSIS_PARTS, DIAGNOSIS_POINTS, sameAnswer, type DiagnosisPart } from '../grading/diagnosis.js';
import { evidenceMatches } from '../grading/evidence.js';
import type { HistoryRecord } from '../history/record.js';
import { packetPath, type PacketPath } from './packet-path.js';

export type ItemStatus = 'pass' | 'fail' | 'unknown';

export interface ReportCheckItem {
  kind: 'verify' | 'guard';
  description: string;
  status: ItemStatus;
  /** Why it failed, or why its result is not known. */
  detail: string;
}

export interface ReportDiagnosisPart {
  part: DiagnosisPart;
  expected: string;
  /** null: no diagnosis was given. */
  given: string | null;
  /** null: not known (no answer, or no answer key). */
  correct: boolean | null;
  points: number;
  max: number;
}

export type Outcome = 'fixed' | 'solved-with-reference' | 'not-fixed';

export interface SessionReport {
  record: HistoryRecord;
  outcome: Outcome;
  lastCheck: { at: string; passed: boolean } | null;
  checkItems: ReportCheckItem[];
  diagnosis: ReportDiagnosisPart[];
  path: PacketPath;
  durationMs: number;
}

/**
 * The parts as graded at the time. A record made before a part existed (the
 * evidence question) shows no row for it; one that kept no per-part scores is
 * graded again from its answer key.
 */
function diagnosisParts(r: HistoryRecord): ReportDiagnosisPart[] {
  const asked = DIAGNOSIS_PARTS.filter((part) => part !== 'evidence' || r.diagnosis?.parts?.evidence || r.key?.evidence);
  return asked.map((part) => {
    const recorded = r.diagnosis?.parts?.[part];
    if (recorded) return { part, expected: recorded.expected, given: recorded.given, correct: recorded.correct, points: recorded.points, max: recorded.max };
    const expected = (part === 'evidence' ? r.key?.evidence?.answer : r.key?.[part]) ?? '';
    const given = r.diagnosis ? (r.diagnosis.answer[part] ?? null) : null;
    let correct: boolean | null = null;
    if (given !== null && r.key)
      correct = part === 'evidence' ? (r.key.evidence ? evidenceMatches(r.key.evidence, given) : null) : sameAnswer(part, expected, given);
    return { part, expected, given, correct, points: correct ? DIAGNOSIS_POINTS[part] : 0, max: DIAGNOSIS_POINTS[part] };
  });
}

/**
 * The check items with the result of the session's last check. A check that
 * kept per-item results gives them; otherwise a passing check passed every
 * item, and after a failing one (or none) which items failed is not known.
 */
function checkItems(r: HistoryRecord): ReportCheckItem[] {
  const last = r.checks.at(-1);
  if (last?.items)
    return last.items.map((i) => ({ kind: i.kind, description: i.description, status: i.pass ? 'pass' : 'fail', detail: i.pass ? '' : i.detail }));
  return r.checkItems.map((i) => {
    if (!last) return { ...i, status: 'unknown', detail: 'netbreak check was never run' };
    if (last.passed) return { ...i, status: 'pass', detail: '' };
    return { ...i, status: 'unknown', detail: 'the last check failed; which items failed was not recorded' };
  });
}

export function sessionReport(r: HistoryRecord): SessionReport {
  const last = r.checks.at(-1);
  return {
    record: r,
    outcome: r.fixedAt === null ? 'not-fixed' : r.solvedWithReference ? 'solved-with-reference' : 'fixed',
    lastCheck: last ? { at: last.at, passed: last.passed } : null,
    checkItems: checkItems(r),
    diagnosis: diagnosisParts(r),
    path: packetPath(r),
    durationMs: Math.max(0, Date.parse(r.stoppedAt) - Date.parse(r.startedAt)) || 0,
  };
}

export const OUTCOME_TEXT: Record<Outcome, string> = {
  fixed: 'fixed',
  'solved-with-reference': 'solved with the reference fix (netbreak solve)',
  'not-fixed': 'not fixed',
};

/** "45s", "4m12s", "1h02m": compact and unambiguous in a table. */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
