// One finished session as the history keeps it: what was played, how it went,
// and enough of the scenario (title, symptom, diagnosis key, debrief) that a
// report of it can be written long after the lab is gone or the scenario changed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Session } from './session.js';
import type { CheckItem } from '../grading/check.js';
import { hintCosts, scoreDiagnosis } from '../grading/diagnosis.js';
import { guardDescription, probeDescription } from '../scenario/guard-description.js';
import { EvidenceFormat, type Scenario } from '../scenario/schema.js';

export const HISTORY_VERSION = 1;

export type Difficulty = Scenario['difficulty'];
export const DIFFICULTIES: readonly Difficulty[] = ['beginner', 'intermediate', 'advanced'];

const Part = z.object({ correct: z.boolean(), expected: z.string(), given: z.string(), points: z.number(), max: z.number() });
const Item = z.object({ kind: z.enum(['verify', 'guard']), description: z.string(), pass: z.boolean(), detail: z.string() });

/**
 * The schema a history line must meet to be read. Only what every consumer
 * needs is required; the rest has defaults, so lines written by an older or
 * newer netbreak still count.
 */
export const HistoryRecord = z.object({
  v: z.number().int(),
  id: z.string().min(1),
  scenario: z.string().min(1),
  title: z.string().default(''),
  layers: z.array(z.string()).default([]),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']).catch('beginner'),
  seed: z.number().nullable().default(null),
  backend: z.string().default('netns'),
  lab: z.string().default(''),
  startedAt: z.string(),
  stoppedAt: z.string(),
  /** What the learner was shown and what the answer was; null when the scenario could not be loaded at stop. */
  symptom: z.object({ from: z.string(), to: z.string(), expect: z.string() }).nullable().default(null),
  story: z.string().default(''),
  debrief: z.string().default(''),
  key: z
    .object({
      layer: z.string(),
      object: z.string(),
      cause: z.string(),
      causeText: z.string().default(''),
      /** The evidence question, its answer and the command that shows it; absent in records before it existed. */
      evidence: z
        .object({ question: z.string(), answer: z.string(), format: EvidenceFormat.catch('text'), accept: z.array(z.string()).default([]), reveal: z.string() })
        .optional(),
    })
    .nullable()
    .default(null),
  hintsUsed: z.number().int().min(0).default(0),
  hintsTotal: z.number().int().min(0).default(0),
  diagnosis: z
    .object({
      // Sessions before the evidence question have none: an empty answer, graded wrong.
      answer: z.object({ layer: z.string(), object: z.string(), cause: z.string(), evidence: z.string().default('') }),
      causeText: z.string().default(''),
      parts: z.object({ layer: Part, object: Part, cause: Part, evidence: Part.optional() }).nullable().default(null),
      points: z.number(),
      max: z.number(),
      hintPenalty: z.number().default(0),
      total: z.number(),
      at: z.string(),
    })
    .nullable()
    .default(null),
  /** The items `netbreak check` tests, as it describes them: what a report lists when a check kept no per-item results. */
  checkItems: z.array(z.object({ kind: z.enum(['verify', 'guard']), description: z.string() })).default([]),
  checks: z.array(z.object({ at: z.string(), passed: z.boolean(), items: z.array(Item).optional() })).default([]),
  fixedAt: z.string().nullable().default(null),
  solvedWithReference: z.boolean().default(false),
  resets: z.number().int().min(0).default(0),
  timeToDiagnoseMs: z.number().nullable().default(null),
  timeToFixMs: z.number().nullable().default(null),
});
export type HistoryRecord = z.infer<typeof HistoryRecord>;
export type HistoryCheck = HistoryRecord['checks'][number];

/**
 * A session's id: short, stable for the same session (so a `stop` retried
 * after a failure does not count the session twice) and different for every
 * start, because it hashes the start time with the lab and scenario.
 */
export function sessionId(session: Pick<Session, 'lab' | 'scenario' | 'startedAt' | 'seed'>): string {
  return createHash('sha256').update(`${session.lab}\0${session.scenario}\0${session.startedAt}\0${session.seed}`).digest('hex').slice(0, 10);
}

/** The items `check` reports, described exactly as check.ts describes them. */
export function expectedCheckItems(scenario: Scenario): { kind: 'verify' | 'guard'; description: string }[] {
  return [
    ...scenario.verify.map((v) => ({ kind: 'verify' as const, description: probeDescription(v.probe) })),
    ...scenario.guards.map((g) => ({ kind: 'guard' as const, description: guardDescription(g) })),
  ];
}

function since(start: string, end: string | undefined): number | null {
  if (!end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

/** Per-item results, when the session's check entry kept them (older sessions keep only pass/fail). */
function checkItemsOf(entry: unknown): CheckItem[] | undefined {
  const items = (entry as { items?: unknown }).items;
  const parsed = z.array(Item).safeParse(items);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The history line for a session that is being stopped. `scenario` is the
 * session's variant as loaded at stop; without it (the scenario folder is
 * gone) the record keeps what the session alone knows.
 */
export function recordFromSession(session: Session, scenario: Scenario | undefined, stoppedAt: Date): HistoryRecord {
  const key = scenario?.diagnosis;
  const d = session.diagnosis;
  // A session answered before the evidence question has none: an empty answer, graded wrong.
  const answer = d && { ...d.answer, evidence: d.answer.evidence ?? '' };
  const score = answer && key ? scoreDiagnosis(key, answer, session.hintsUsed, hintCosts(scenario.hints)) : undefined;
  return {
    v: HISTORY_VERSION,
    id: sessionId(session),
    scenario: session.scenario,
    title: scenario?.title ?? session.scenario,
    layers: scenario ? [...scenario.layers] : [],
    difficulty: scenario?.difficulty ?? 'beginner',
    seed: Number.isFinite(session.seed) ? session.seed : null,
    backend: session.backend,
    lab: session.lab,
    startedAt: session.startedAt,
    stoppedAt: stoppedAt.toISOString(),
    symptom: scenario ? { from: scenario.symptom.from, to: scenario.symptom.to, expect: scenario.symptom.expect } : null,
    story: scenario?.story ?? '',
    debrief: scenario?.debrief ?? '',
    key: key
      ? {
          layer: key.layer,
          object: key.object,
          cause: key.cause,
          causeText: key.causes[key.cause] ?? '',
          evidence: { ...key.evidence },
        }
      : null,
    hintsUsed: session.hintsUsed,
    hintsTotal: scenario?.hints.length ?? 0,
    diagnosis: d
      ? {
          answer: answer!,
          causeText: key?.causes[d.answer.cause] ?? '',
          parts: score?.parts ?? null,
          points: d.points,
          max: d.max,
          hintPenalty: score?.hintPenalty ?? Math.max(0, d.points - d.total),
          total: d.total,
          at: d.at,
        }
      : null,
    checkItems: scenario ? expectedCheckItems(scenario) : [],
    checks: session.checks.map((c) => {
      const items = checkItemsOf(c);
      return items ? { at: c.at, passed: c.passed, items } : { at: c.at, passed: c.passed };
    }),
    fixedAt: session.fixedAt ?? null,
    solvedWithReference: Boolean(session.solvedWithReference),
    resets: session.resets ?? 0,
    timeToDiagnoseMs: since(session.startedAt, d?.at),
    timeToFixMs: since(session.startedAt, session.fixedAt),
  };
}

/** Fixed by the learner: a check passed and the reference fix was not applied. */
export function fixedByLearner(r: HistoryRecord): boolean {
  return r.fixedAt !== null && !r.solvedWithReference;
}
