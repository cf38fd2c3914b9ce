// How well the learner knows each layer, from the sessions that touched it: a
// session counts for every layer its scenario lists. Mastery weighs finding the
// fault (the diagnosis score) and fixing it (without the reference fix) equally.
import { LAYERS } from '../scenario/schema.js';
import { fixedByLearner, type HistoryRecord } from './record.js';

export interface LayerMastery {
  layer: string;
  sessions: number;
  /** Sessions whose fault the learner fixed (a check passed, `solve` not used). */
  fixed: number;
  /** Sessions with a diagnosis given. */
  diagnosed: number;
  /** Mean diagnosis score out of 100; a session stopped without a diagnosis counts 0. */
  averageScore: number;
  /** 0 … 1: half the average score, half the share of sessions fixed. */
  mastery: number;
}

/** Below this a practised layer is weak and worth practising again. */
export const WEAK_BELOW = 0.8;

/** Layers in the order `LAYERS` gives them, then any unknown to this version (from a newer netbreak), by name. */
function layerOrder(a: string, b: string): number {
  const ia = (LAYERS as readonly string[]).indexOf(a);
  const ib = (LAYERS as readonly string[]).indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a.localeCompare(b);
}

/** One row per layer practised at least once. */
export function layerMastery(records: readonly HistoryRecord[]): LayerMastery[] {
  const by = new Map<string, HistoryRecord[]>();
  for (const r of records) for (const layer of new Set(r.layers)) by.set(layer, [...(by.get(layer) ?? []), r]);
  return [...by.keys()].sort(layerOrder).map((layer) => {
    const rs = by.get(layer)!;
    const fixed = rs.filter(fixedByLearner).length;
    const averageScore = rs.reduce((sum, r) => sum + (r.diagnosis?.total ?? 0), 0) / rs.length;
    return {
      layer,
      sessions: rs.length,
      fixed,
      diagnosed: rs.filter((r) => r.diagnosis).length,
      averageScore: Math.round(averageScore * 10) / 10,
      mastery: Math.round((0.5 * (averageScore / 100) + 0.5 * (fixed / rs.length)) * 1000) / 1000,
    };
  });
}

/** The practised layers below WEAK_BELOW, weakest first (fewer sessions first on a tie), at most `limit`. */
export function weakestLayers(mastery: readonly LayerMastery[], limit = 3): string[] {
  return mastery
    .filter((m) => m.mastery < WEAK_BELOW)
    .sort((a, b) => a.mastery - b.mastery || a.sessions - b.sessions || layerOrder(a.layer, b.layer))
    .slice(0, limit)
    .map((m) => m.layer);
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for a fraction 0 … 1, in eighths of a block; the rest is light shade so bars line up. */
export function bar(fraction: number, width = 10): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8]!;
  return '█'.repeat(full) + part + '░'.repeat(width - full - (part ? 1 : 0));
}
