// What to play next: a scenario of the library that exercises the learner's
// weakest layers (or layers never tried), at the difficulty they are ready for,
// preferring one they have not played.
import { DIFFICULTIES, fixedByLearner, type Difficulty, type HistoryRecord } from './record.js';
import type { LayerMastery } from './mastery.js';

export interface LibraryEntry {
  id: string;
  title: string;
  layers: readonly string[];
  difficulty: Difficulty;
}

export interface Suggestion extends LibraryEntry {
  /** The layers it was picked for. */
  targets: string[];
  plays: number;
  /** One sentence: why this one. */
  reason: string;
}

/** A session counts as mastered when the learner fixed it and scored at least this on the diagnosis. */
export const MASTERED_SCORE = 70;

const level = (d: Difficulty) => DIFFICULTIES.indexOf(d);

/**
 * The difficulty a learner is ready for in a layer: one above the hardest they
 * mastered there, else the easiest they have played there, else beginner.
 */
export function readyDifficulty(layer: string, records: readonly HistoryRecord[]): Difficulty {
  const inLayer = records.filter((r) => r.layers.includes(layer));
  const mastered = inLayer.filter((r) => fixedByLearner(r) && (r.diagnosis?.total ?? 0) >= MASTERED_SCORE);
  if (mastered.length > 0) return DIFFICULTIES[Math.min(DIFFICULTIES.length - 1, Math.max(...mastered.map((r) => level(r.difficulty))) + 1)]!;
  if (inLayer.length > 0) return DIFFICULTIES[Math.min(...inLayer.map((r) => level(r.difficulty)))]!;
  return 'beginner';
}

/**
 * Picks the next scenario. Targets, in order of preference: the weakest
 * layers; else the library's layers never practised; else every practised
 * layer (to move up a difficulty). Of the scenarios covering a target, the
 * best is at the difficulty the learner is ready for, then unplayed, then
 * covers the weakest layers, then was played least; then the first id.
 */
export function suggestNext(
  records: readonly HistoryRecord[],
  mastery: readonly LayerMastery[],
  weakest: readonly string[],
  library: readonly LibraryEntry[],
): Suggestion | null {
  if (library.length === 0) return null;
  const masteryOf = new Map(mastery.map((m) => [m.layer, m.mastery]));
  const untried = [...new Set(library.flatMap((s) => s.layers))].filter((l) => !masteryOf.has(l));
  const why = weakest.length > 0 ? 'weakest' : untried.length > 0 ? 'untried' : 'level-up';
  const targets = why === 'weakest' ? [...weakest] : why === 'untried' ? untried : mastery.map((m) => m.layer);
  const plays = (id: string) => records.filter((r) => r.scenario === id).length;
  const ready = new Map(targets.map((l) => [l, readyDifficulty(l, records)]));

  let best: { entry: LibraryEntry; key: number[]; covered: string[] } | undefined;
  for (const entry of library) {
    const covered = targets.filter((l) => entry.layers.includes(l));
    if (covered.length === 0) continue;
    const distance = Math.min(...covered.map((l) => Math.abs(level(entry.difficulty) - level(ready.get(l)!))));
    const weight = covered.reduce((sum, l) => sum + (1 - (masteryOf.get(l) ?? 0)), 0);
    const n = plays(entry.id);
    // Smaller is better, in order: the right difficulty, unplayed, how weak the covered layers are, fewer plays.
    const key = [distance, n === 0 ? 0 : 1, -weight, n];
    if (!best || compareKeys(key, best.key) < 0 || (compareKeys(key, best.key) === 0 && entry.id < best.entry.id)) best = { entry, key, covered };
  }
  if (!best) {
    // Nothing in the library touches the targets: the least played scenario keeps the learner going.
    const entry = [...library].sort((a, b) => plays(a.id) - plays(b.id) || level(a.difficulty) - level(b.difficulty) || a.id.localeCompare(b.id))[0]!;
    best = { entry, key: [], covered: [] };
  }
  const n = plays(best.entry.id);
  const what =
    best.covered.length === 0
      ? 'no scenario covers your weakest layers yet'
      : why === 'weakest'
        ? `practises ${best.covered.join(' and ')}, your weakest ${best.covered.length === 1 ? 'layer' : 'layers'}`
        : why === 'untried'
          ? `practises ${best.covered.join(' and ')}, which you have not tried yet`
          : `a ${best.entry.difficulty} round of ${best.covered.join(' and ')}`;
  const played = n === 0 ? 'not played yet' : `played ${n} time${n === 1 ? '' : 's'} before`;
  return { ...best.entry, layers: [...best.entry.layers], targets: best.covered, plays: n, reason: `${what}; ${best.entry.difficulty}, ${played}` };
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (Math.abs(d) > 1e-9) return d;
  }
  return 0;
}
