// Grading the learner's diagnosis: which layer, which object, which root cause.
// Pure functions, so interactive `diagnose`, `diagnose --layer … --json` and the
// tests all score and order choices the same way.
import { canonicalKind } from '../k8s/kinds.js';
import type { Scenario } from '../scenario/schema.js';
import { mulberry32 } from '../scenario/params.js';
import { evidenceMatches } from './evidence.js';
import { DEFAULT_HINT_COST, hintCost } from './hints.js';

type DiagnosisKey = Scenario['diagnosis'];
type Hints = Scenario['hints'];

export interface DiagnosisAnswer {
  layer: string;
  object: string;
  cause: string;
  /** The fact the learner read off the lab, as typed. */
  evidence: string;
}

export interface PartScore {
  correct: boolean;
  expected: string;
  given: string;
  /** Points earned for this part: all of `max` or nothing. */
  points: number;
  max: number;
}

export interface DiagnosisScore {
  parts: DiagnosisParts;
  /** Points earned before the hint penalty. */
  points: number;
  /** Points a perfect answer earns (100). */
  max: number;
  /** Sum of the costs of the hints used. */
  hintPenalty: number;
  /** points − hintPenalty, never below 0. */
  total: number;
}

export const DIAGNOSIS_PARTS = ['layer', 'object', 'cause', 'evidence'] as const;
export type DiagnosisPart = (typeof DIAGNOSIS_PARTS)[number];
export type DiagnosisParts = Record<DiagnosisPart, PartScore>;

/**
 * The evidence weighs as much as the cause: naming a cause can be a lucky
 * guess among six, the fact behind it can only be read off the lab.
 */
export const DIAGNOSIS_POINTS: Record<DiagnosisPart, number> = { layer: 10, object: 20, cause: 35, evidence: 35 };
export { DEFAULT_HINT_COST };

/** `Kind/ns/name` with the kind in canonical spelling; names stay case-sensitive. */
export function normalizeObjectRef(text: string): string {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3) return text.trim();
  const [kind, ...rest] = parts;
  const canonical = canonicalKind(kind!) ?? kind!;
  return [canonical, ...rest.map((p) => p.trim())].join('/');
}

function part(expected: string, given: string, correct: boolean, max: number): PartScore {
  return { correct, expected, given, points: correct ? max : 0, max };
}

/** The cost of each hint, in order: its own cost, or DEFAULT_HINT_COST for a plain string. */
export function hintCosts(hints: Hints): number[] {
  return hints.map(hintCost);
}

/** Layer, object and cause as graded: kinds by any spelling, ids in any case. */
export function sameAnswer(part: Exclude<DiagnosisPart, 'evidence'>, expected: string, given: string): boolean {
  if (part === 'object') return normalizeObjectRef(given) === normalizeObjectRef(expected);
  return given.trim().toLowerCase() === expected.toLowerCase();
}

/** Whether `given` is right for `part` of the key: the comparison each part is graded by. */
export function partCorrect(key: DiagnosisKey, part: DiagnosisPart, given: string): boolean {
  return part === 'evidence' ? evidenceMatches(key.evidence, given) : sameAnswer(part, key[part], given);
}

/** What a part's right answer is, as a report shows it. */
export function expectedPart(key: DiagnosisKey, part: DiagnosisPart): string {
  return part === 'evidence' ? key.evidence.answer : key[part];
}

/**
 * Scores an answer. Layer and cause compare case-insensitively; the object's
 * kind may be written in any case or as a kubectl short name (netpol/shop/x),
 * its namespace and name must match exactly; the evidence is normalised by its
 * format (evidence.ts). The first `hintsUsed` hints cost `hintCosts[i]` each
 * (DEFAULT_HINT_COST when not given).
 */
export function scoreDiagnosis(key: DiagnosisKey, answer: DiagnosisAnswer, hintsUsed: number, hintCosts: number[]): DiagnosisScore {
  const parts = Object.fromEntries(
    DIAGNOSIS_PARTS.map((p) => [p, part(expectedPart(key, p), answer[p], partCorrect(key, p, answer[p]), DIAGNOSIS_POINTS[p])]),
  ) as DiagnosisParts;
  const points = DIAGNOSIS_PARTS.reduce((sum, p) => sum + parts[p].points, 0);
  const used = Math.max(0, Math.floor(Number.isFinite(hintsUsed) ? hintsUsed : 0));
  let hintPenalty = 0;
  for (let i = 0; i < used; i++) hintPenalty += Math.max(0, hintCosts[i] ?? DEFAULT_HINT_COST);
  return {
    parts,
    points,
    max: DIAGNOSIS_PARTS.reduce((sum, p) => sum + DIAGNOSIS_POINTS[p], 0),
    hintPenalty,
    total: Math.max(0, points - hintPenalty),
  };
}

/**
 * The cause ids in an order that depends only on the seed (and the ids, not
 * their order in the file), so the right answer is not always first and every
 * mode of `diagnose` shows the same list for a session.
 */
export function diagnosisChoices(key: DiagnosisKey, seed: number): string[] {
  const ids = Object.keys(key.causes).sort();
  const random = mulberry32(Number.isFinite(seed) ? Math.trunc(seed) : 0);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}
