// Everything `netbreak progress` shows, computed from the history and the
// scenario library as plain data.
import { layerMastery, weakestLayers, type LayerMastery } from './mastery.js';
import type { HistoryRecord } from './record.js';
import { streaks, localDay, type DayKey, type Streaks } from './streaks.js';
import { suggestNext, type LibraryEntry, type Suggestion } from './suggest.js';

export interface ProgressSummary {
  sessions: number;
  /** Sessions fixed by the learner (no `solve`). */
  fixed: number;
  layers: LayerMastery[];
  weakest: string[];
  /** Layers the library covers that no session has practised yet. */
  untried: string[];
  streaks: Streaks;
  suggestion: Suggestion | null;
}

export function summarizeProgress(
  records: readonly HistoryRecord[],
  library: readonly LibraryEntry[],
  now = new Date(),
  dayOf: DayKey = localDay,
): ProgressSummary {
  const layers = layerMastery(records);
  const weakest = weakestLayers(layers);
  const practised = new Set(layers.map((l) => l.layer));
  return {
    sessions: records.length,
    fixed: records.filter((r) => r.fixedAt !== null && !r.solvedWithReference).length,
    layers,
    weakest,
    untried: [...new Set(library.flatMap((s) => s.layers))].filter((l) => !practised.has(l)),
    streaks: streaks(
      records.map((r) => r.stoppedAt),
      now,
      dayOf,
    ),
    suggestion: records.length === 0 ? null : suggestNext(records, layers, weakest, library),
  };
}
