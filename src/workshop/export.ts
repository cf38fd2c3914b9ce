// The trainer's exports: one row per attendee and scenario played, as CSV for a
// spreadsheet and as JSON (with the event log) for anything else.
import type { Room } from './room.js';
import { buildBoard, type Board, type BoardCell } from './scoreboard.js';
import { workshopSeed } from './seeds.js';

const CSV_COLUMNS = [
  'rank',
  'attendee',
  'scenario',
  'assigned_seed',
  'seed',
  'backend',
  'started_at',
  'diagnosed_at',
  'diagnosis_score',
  'evidence_correct',
  'hints',
  'checks',
  'fixed',
  'solved_with_reference',
  'fixed_at',
  'time_s',
  'stopped_at',
  'attempts',
] as const;

type ExportRow = Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>;

function exportRows(room: Room, board: Board): ExportRow[] {
  const rows: ExportRow[] = [];
  for (const row of board.rows) {
    const attendee = room.attendees.find((a) => a.name === row.name)!;
    for (const { id } of room.scenarios) {
      const cell: BoardCell | null = row.cells[id] ?? null;
      if (!cell) continue;
      rows.push({
        rank: row.rank,
        attendee: row.name,
        scenario: id,
        // The seed the server handed out, beside the one played: they differ when the attendee chose --seed.
        assigned_seed: workshopSeed(room.secret, attendee.id, id),
        seed: cell.seed,
        backend: cell.backend,
        started_at: cell.startedAt,
        diagnosed_at: cell.diagnosedAt,
        diagnosis_score: cell.score,
        evidence_correct: cell.evidence,
        hints: cell.hints,
        checks: cell.checks,
        fixed: cell.fixed,
        solved_with_reference: cell.solved,
        fixed_at: cell.fixedAt,
        time_s: cell.timeMs === null ? null : Math.round(cell.timeMs / 1000),
        stopped_at: cell.stoppedAt,
        attempts: cell.attempts,
      });
    }
  }
  return rows;
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function exportCsv(room: Room, now = Date.now()): string {
  const lines = [CSV_COLUMNS.join(','), ...exportRows(room, buildBoard(room, now)).map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function exportJson(room: Room, now = Date.now()): unknown {
  const board = buildBoard(room, now);
  return {
    room: board.room,
    exportedAt: new Date(now).toISOString(),
    attendees: board.rows.map(({ cells: _cells, ...rest }) => rest),
    rows: exportRows(room, board),
    events: room.events,
  };
}
