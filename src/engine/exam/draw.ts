// Which scenarios an exam asks, in which order, with which variants and
// weights: a pure function of the library and the seed, so a study group that
// shares a seed sits the same exam.
import { seededRandom } from '../../scenario/params.js';
import type { Layer, Scenario } from '../../scenario/schema.js';
import type { ExamTask } from '../../history/exam-record.js';

/** What the draw needs of a scenario. */
export type ExamCandidate = Pick<Scenario, 'id' | 'title' | 'layers' | 'difficulty' | 'backends'>;

export interface DrawOptions {
  seed: number;
  count: number;
  /** Only scenarios with at least one of these layers; empty: all. */
  layers: readonly Layer[];
  /** Only scenarios that run on this backend. */
  backend: string;
}

/** Harder tasks weigh more, as on the CKA, where a task is worth 2 to 13 percent. */
export const DIFFICULTY_WEIGHT: Record<Scenario['difficulty'], number> = { beginner: 4, intermediate: 7, advanced: 10 };

export type Draw = { tasks: ExamTask[] } | { problem: string };

/** The candidates the options allow, by id (the order the draw starts from, whatever order the folder listing had). */
export function eligible(library: readonly ExamCandidate[], options: Pick<DrawOptions, 'layers' | 'backend'>): ExamCandidate[] {
  return library
    .filter((s) => s.backends.includes(options.backend as Scenario['backends'][number]))
    .filter((s) => options.layers.length === 0 || s.layers.some((l) => options.layers.includes(l)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Picks `count` scenarios spread across layers and difficulties: each pick is
 * the first (in seeded order) that adds a layer the exam does not have yet,
 * preferring the difficulty it has least of; ties keep the seeded order.
 */
function spread(candidates: ExamCandidate[], count: number): ExamCandidate[] {
  const picked: ExamCandidate[] = [];
  const left = [...candidates];
  while (picked.length < count && left.length > 0) {
    const covered = new Set(picked.flatMap((s) => s.layers));
    const perDifficulty = (d: Scenario['difficulty']) => picked.filter((s) => s.difficulty === d).length;
    const fewest = Math.min(...(['beginner', 'intermediate', 'advanced'] as const).map(perDifficulty));
    const value = (s: ExamCandidate) => (s.layers.some((l) => !covered.has(l)) ? 2 : 0) + (perDifficulty(s.difficulty) === fewest ? 1 : 0);
    let best = 0;
    for (let i = 1; i < left.length; i++) if (value(left[i]!) > value(left[best]!)) best = i;
    picked.push(left.splice(best, 1)[0]!);
  }
  return picked;
}

/** Whole percents that add up to exactly 100, in proportion to the difficulty weights (largest remainder). */
export function weights(difficulties: readonly Scenario['difficulty'][]): number[] {
  const raw = difficulties.map((d) => DIFFICULTY_WEIGHT[d]);
  const sum = raw.reduce((a, b) => a + b, 0);
  const exact = raw.map((w) => (w * 100) / sum);
  const out = exact.map((e) => Math.max(1, Math.floor(e)));
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; out.reduce((a, b) => a + b, 0) < 100; k++) out[order[k % order.length]!.i]! += 1;
  return out;
}

/** The exam's tasks, or why the library cannot make one. */
export function drawExam(library: readonly ExamCandidate[], options: DrawOptions): Draw {
  const pool = eligible(library, options);
  const scope = `${options.layers.length > 0 ? ` with the layers ${options.layers.join(', ')}` : ''} on the ${options.backend} backend`;
  if (pool.length === 0) return { problem: `no scenario of the library runs${scope}` };
  if (pool.length < options.count) return { problem: `--count ${options.count} asks for more scenarios than the ${pool.length} the library has${scope}` };
  const picked = spread(shuffled(pool, seededRandom(options.seed, 'exam-draw')), options.count);
  const variant = seededRandom(options.seed, 'exam-variants');
  const taskWeights = weights(picked.map((s) => s.difficulty));
  return {
    tasks: picked.map((s, i) => ({
      scenario: s.id,
      title: s.title,
      layers: [...s.layers],
      difficulty: s.difficulty,
      // Random seeds start at 1: seed 0 is every scenario's reference variant.
      seed: 1 + Math.floor(variant() * 999_999),
      weight: taskWeights[i]!,
      flagged: false,
      sessions: [],
    })),
  };
}
