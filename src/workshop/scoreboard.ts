// The scoreboard: what the page shows and the exports list, computed from the
// room. Ranked by fixes (made by the attendee, not by `solve`), then diagnosis
// points, then the time the fixes took, then name.
import { roomOpen, type Cell, type Room } from './room.js';

export interface BoardCell {
  sessionId: string;
  seed: number;
  backend: string;
  startedAt: string;
  /** Diagnosis points after the hint penalty (0–100), null before `diagnose`. */
  score: number | null;
  diagnosedAt: string | null;
  /** Whether the evidence answer was right; null before `diagnose` or when the client did not say. */
  evidence: boolean | null;
  /** Fixed by the attendee: a check passed and the reference fix was not applied. */
  fixed: boolean;
  /** The reference fix was applied (`netbreak solve`): it earns nothing. */
  solved: boolean;
  fixedAt: string | null;
  hints: number;
  checks: number;
  lastCheckPassed: boolean | null;
  stoppedAt: string | null;
  /** Start to fix, or to stop; null while the session runs unfixed (the page counts it up). */
  timeMs: number | null;
  attempts: number;
}

export interface BoardRow {
  rank: number;
  name: string;
  joinedAt: string;
  fixed: number;
  score: number;
  hints: number;
  /** The time the attendee's fixes took, added up. */
  fixTimeMs: number;
  cells: Record<string, BoardCell | null>;
}

export interface Board {
  room: {
    id: string;
    title: string;
    scenarios: { id: string; title: string }[];
    createdAt: string;
    endsAt: string | null;
    endedAt: string | null;
    open: boolean;
    serverTime: number;
  };
  rows: BoardRow[];
}

const since = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));

function boardCell(cell: Cell): BoardCell {
  const s = cell.session;
  const fixed = s.fixedAt !== null && !s.solvedWithReference;
  return {
    sessionId: s.id,
    seed: s.seed,
    backend: s.backend,
    startedAt: s.startedAt,
    score: s.diagnosis?.total ?? null,
    diagnosedAt: s.diagnosis?.at ?? null,
    evidence: s.diagnosis?.evidence ?? null,
    fixed,
    solved: s.solvedWithReference,
    fixedAt: s.fixedAt,
    hints: s.hintsUsed,
    checks: s.checks,
    lastCheckPassed: s.lastCheck?.passed ?? null,
    stoppedAt: s.stoppedAt,
    timeMs: s.fixedAt ? since(s.startedAt, s.fixedAt) : s.stoppedAt ? since(s.startedAt, s.stoppedAt) : null,
    attempts: cell.sessions.length,
  };
}

export function buildBoard(room: Room, now = Date.now()): Board {
  const rows = room.attendees.map((a) => {
    const cells: Record<string, BoardCell | null> = {};
    for (const { id } of room.scenarios) cells[id] = a.cells[id] ? boardCell(a.cells[id]) : null;
    const played = Object.values(cells).filter((c): c is BoardCell => c !== null);
    const fixes = played.filter((c) => c.fixed);
    return {
      rank: 0,
      name: a.name,
      joinedAt: a.joinedAt,
      fixed: fixes.length,
      score: played.reduce((sum, c) => sum + (c.score ?? 0), 0),
      hints: played.reduce((sum, c) => sum + c.hints, 0),
      fixTimeMs: fixes.reduce((sum, c) => sum + (c.timeMs ?? 0), 0),
      cells,
    };
  });
  rows.sort((a, b) => b.fixed - a.fixed || b.score - a.score || a.fixTimeMs - b.fixTimeMs || a.name.localeCompare(b.name));
  // Equal results share a rank, as on any leaderboard.
  rows.forEach((row, i) => {
    const prev = rows[i - 1];
    row.rank = prev && prev.fixed === row.fixed && prev.score === row.score && prev.fixTimeMs === row.fixTimeMs ? prev.rank : i + 1;
  });
  return {
    room: {
      id: room.id,
      title: room.title,
      scenarios: room.scenarios,
      createdAt: room.createdAt,
      endsAt: room.endsAt,
      endedAt: room.endedAt,
      open: roomOpen(room, now),
      serverTime: now,
    },
    rows,
  };
}
