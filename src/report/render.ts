// One entry point for every report format, and the choice of sessions to report.
import type { HistoryRecord } from '../history/record.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { sessionReport, type SessionReport } from './session-report.js';

export const REPORT_FORMATS = ['md', 'html', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FORMAT_EXTENSION: Record<ReportFormat, string> = { md: 'md', html: 'html', json: 'json', junit: 'xml' };

/** The JSON report: each session's history record with what the other formats derive from it. */
export function reportJson(sessions: SessionReport[], generatedAt: Date): unknown {
  return {
    generatedAt: generatedAt.toISOString(),
    sessions: sessions.map((s) => ({
      ...s.record,
      outcome: s.outcome,
      durationMs: s.durationMs,
      lastCheck: s.lastCheck,
      checkResults: s.checkItems,
      diagnosisParts: s.diagnosis,
      packetPath: s.path,
    })),
  };
}

export function renderReport(format: ReportFormat, records: readonly HistoryRecord[], generatedAt = new Date()): string {
  const sessions = records.map(sessionReport);
  switch (format) {
    case 'md':
      return renderMarkdown(sessions, generatedAt);
    case 'html':
      return renderHtml(sessions, generatedAt);
    case 'junit':
      return renderJunit(sessions);
    case 'json':
      return `${JSON.stringify(reportJson(sessions, generatedAt), null, 2)}\n`;
  }
}

export type Selection = { kind: 'latest' } | { kind: 'all' } | { kind: 'id'; id: string };

export type Selected = { ok: true; records: HistoryRecord[] } | { ok: false; reason: 'empty' | 'unknown' | 'ambiguous'; matches: string[] };

/**
 * The sessions to report: the most recently stopped one, all of them (oldest
 * first), or one by its id or an unambiguous prefix of it.
 */
export function selectSessions(records: readonly HistoryRecord[], selection: Selection): Selected {
  if (records.length === 0) return { ok: false, reason: 'empty', matches: [] };
  const byStop = [...records]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Date.parse(a.r.stoppedAt) - Date.parse(b.r.stoppedAt) || a.i - b.i)
    .map((x) => x.r);
  if (selection.kind === 'all') return { ok: true, records: byStop };
  if (selection.kind === 'latest') return { ok: true, records: [byStop.at(-1)!] };
  const wanted = selection.id.trim().toLowerCase();
  const exact = records.find((r) => r.id.toLowerCase() === wanted);
  if (exact) return { ok: true, records: [exact] };
  const matches = wanted ? records.filter((r) => r.id.toLowerCase().startsWith(wanted)) : [];
  if (matches.length === 1) return { ok: true, records: matches };
  return { ok: false, reason: matches.length > 1 ? 'ambiguous' : 'unknown', matches: matches.map((r) => r.id) };
}
