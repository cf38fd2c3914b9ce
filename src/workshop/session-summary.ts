// What an attendee's CLI tells the workshop server about one session: the
// session's state as a whole, not a delta. Every report carries everything, so
// a report that was lost is made good by the next one, and the server can merge
// reports that arrive out of order (two terminals of one attendee).
import { z } from 'zod';
import type { Session } from '../history/session.js';
import { sessionId } from '../history/record.js';

const Iso = z.iso.datetime({ offset: true });

export const SessionSummary = z.object({
  /** The history's session id (see history/record.ts): the same id `netbreak progress` shows. */
  id: z.string().regex(/^[0-9a-f]{6,64}$/, 'must be a hex session id'),
  scenario: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a scenario id'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  // Plain names only: they end up in the trainer's spreadsheet, where "=…" would be a formula.
  backend: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be a backend name'),
  lab: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a lab name'),
  startedAt: Iso,
  hintsUsed: z.number().int().min(0).max(100),
  diagnosis: z
    .object({
      total: z.number().int().min(0).max(100),
      points: z.number().int().min(0).max(100),
      /** Whether the evidence answer was right; absent from clients that predate the evidence question. */
      evidence: z.boolean().optional(),
      at: Iso,
    })
    .nullable(),
  checks: z.number().int().min(0).max(1_000_000),
  lastCheck: z.object({ at: Iso, passed: z.boolean() }).nullable(),
  fixedAt: Iso.nullable(),
  solvedWithReference: z.boolean(),
  stoppedAt: Iso.nullable(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

const EVENT_TYPES = ['started', 'hint', 'diagnosed', 'checked', 'solved', 'stopped'] as const;
export type WorkshopEventType = (typeof EVENT_TYPES)[number];

export const WorkshopEvent = z.object({ type: z.enum(EVENT_TYPES), session: SessionSummary });
export type WorkshopEvent = z.infer<typeof WorkshopEvent>;

export function summarizeSession(session: Session, stoppedAt?: Date): SessionSummary {
  const last = session.checks.at(-1);
  return {
    id: sessionId(session),
    scenario: session.scenario,
    seed: session.seed,
    backend: session.backend,
    lab: session.lab,
    startedAt: session.startedAt,
    hintsUsed: session.hintsUsed,
    diagnosis: session.diagnosis
      ? {
          total: session.diagnosis.total,
          points: session.diagnosis.points,
          ...(session.diagnosis.evidenceCorrect !== undefined ? { evidence: session.diagnosis.evidenceCorrect } : {}),
          at: session.diagnosis.at,
        }
      : null,
    checks: session.checks.length,
    lastCheck: last ? { at: last.at, passed: last.passed } : null,
    fixedAt: session.fixedAt ?? null,
    solvedWithReference: Boolean(session.solvedWithReference),
    stoppedAt: stoppedAt ? stoppedAt.toISOString() : null,
  };
}

const earliest = (a: string | null, b: string | null) => (a && b ? (Date.parse(a) <= Date.parse(b) ? a : b) : (a ?? b));
const latest = <T extends { at: string }>(a: T | null, b: T | null) => (a && b ? (Date.parse(a.at) >= Date.parse(b.at) ? a : b) : (a ?? b));

/**
 * Two reports of the same session, merged in either order to the same result:
 * counts only grow, the one graded diagnosis and the first fix stay, a stop is
 * final.
 */
export function mergeSummaries(a: SessionSummary, b: SessionSummary): SessionSummary {
  return {
    ...a,
    hintsUsed: Math.max(a.hintsUsed, b.hintsUsed),
    diagnosis:
      a.diagnosis && b.diagnosis ? (Date.parse(a.diagnosis.at) <= Date.parse(b.diagnosis.at) ? a.diagnosis : b.diagnosis) : (a.diagnosis ?? b.diagnosis),
    checks: Math.max(a.checks, b.checks),
    lastCheck: latest(a.lastCheck, b.lastCheck),
    fixedAt: earliest(a.fixedAt, b.fixedAt),
    solvedWithReference: a.solvedWithReference || b.solvedWithReference,
    stoppedAt: earliest(a.stoppedAt, b.stoppedAt),
  };
}
