// A finished exam as a document: its score table per task and per layer, in
// Markdown, HTML, JUnit XML (one testsuite, one testcase per task) or JSON.
// Each task's session has its own report (`netbreak report --session ID`).
import type { ExamRecord, ExamResult } from '../history/exam-record.js';
import { escapeHtml as h, escapeXml as x, markdownCell as c } from './escape.js';
import type { ReportFormat } from './render.js';

type Row = ExamResult['tasks'][number] & { title: string; sessions: string[] };

function rows(exam: ExamRecord): Row[] {
  return (exam.result?.tasks ?? []).map((t) => ({ ...t, title: exam.tasks[t.index]!.title, sessions: exam.tasks[t.index]!.sessions }));
}

function summary(exam: ExamRecord): string {
  const r = exam.result;
  const verdict = r ? `${r.percent}%, ${r.passed ? 'passed' : 'not passed'} (pass mark ${r.passMark}%)` : 'not graded';
  return `seed ${exam.seed}, ${exam.tasks.length} tasks in ${exam.minutes} minutes on ${exam.backend}; ${verdict}`;
}

function markdown(exam: ExamRecord): string {
  const table = (head: string[], body: string[][]) =>
    [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  return [
    `# netbreak exam ${exam.id}`,
    '',
    c(summary(exam)),
    '',
    table(
      ['Task', 'Scenario', 'Weight', 'Fix', 'Diagnosis', 'Score', 'Sessions'],
      rows(exam).map((t) => [
        String(t.index + 1),
        c(`${t.title} (${t.scenario})`),
        `${t.weight}%`,
        t.fixed ? '✓ pass' : '✗ fail',
        t.diagnosis === null ? '—' : `${t.diagnosis}/100`,
        `${t.points}/${t.weight}`,
        c(t.sessions.join(', ') || '—'),
      ]),
    ),
    '',
    table(
      ['Layer', 'Tasks', 'Score'],
      (exam.result?.layers ?? []).map((l) => [c(l.layer), String(l.tasks), `${l.percent}%`]),
    ),
    '',
  ].join('\n');
}

function html(exam: ExamRecord): string {
  const tr = (cells: string[], tag = 'td') => `<tr>${cells.map((v) => `<${tag}>${v}</${tag}>`).join('')}</tr>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"/><title>netbreak exam ${h(exam.id)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e2e8f0}.pass{color:#276749}.fail{color:#c53030}</style>',
    `</head><body><h1>netbreak exam ${h(exam.id)}</h1><p>${h(summary(exam))}</p>`,
    '<table>',
    tr(['Task', 'Scenario', 'Weight', 'Fix', 'Diagnosis', 'Score'], 'th'),
    ...rows(exam).map((t) =>
      tr([
        String(t.index + 1),
        h(`${t.title} (${t.scenario})`),
        `${t.weight}%`,
        t.fixed ? '<span class="pass">✓ pass</span>' : '<span class="fail">✗ fail</span>',
        t.diagnosis === null ? '—' : `${t.diagnosis}/100`,
        `${t.points}/${t.weight}`,
      ]),
    ),
    '</table><table>',
    tr(['Layer', 'Tasks', 'Score'], 'th'),
    ...(exam.result?.layers ?? []).map((l) => tr([h(l.layer), String(l.tasks), `${l.percent}%`])),
    '</table></body></html>',
    '',
  ].join('\n');
}

function junit(exam: ExamRecord): string {
  const list = rows(exam);
  const failures = list.filter((t) => !t.fixed).length;
  const cases = list.map((t) => {
    const open = `    <testcase classname="netbreak.exam.${x(exam.id)}" name="${x(`task ${t.index + 1}: ${t.scenario}`)}" time="0.000"`;
    if (t.fixed) return `${open}/>`;
    const message = `not fixed when graded; scored ${t.points} of ${t.weight} (diagnosis ${t.diagnosis ?? 'not given'})`;
    return `${open}>\n      <failure type="not-fixed" message="${x(message)}">${x(message)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netbreak" tests="${list.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${x(`netbreak exam ${exam.id}`)}" tests="${list.length}" failures="${failures}" errors="0" skipped="0" timestamp="${x(exam.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    `      <property name="seed" value="${exam.seed}"/>`,
    `      <property name="percent" value="${exam.result?.percent ?? ''}"/>`,
    `      <property name="passed" value="${exam.result?.passed ?? ''}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function renderExamReport(format: ReportFormat, exam: ExamRecord): string {
  switch (format) {
    case 'md':
      return markdown(exam);
    case 'html':
      return html(exam);
    case 'junit':
      return junit(exam);
    case 'json':
      return `${JSON.stringify(exam, null, 2)}\n`;
  }
}

/** The exam `--exam` names: `latest`, an id, or an unambiguous prefix of one. */
export function selectExam(exams: readonly ExamRecord[], wanted: string): ExamRecord | { problem: 'empty' | 'unknown' | 'ambiguous' } {
  if (exams.length === 0) return { problem: 'empty' };
  if (wanted === 'latest') return exams.at(-1)!;
  const matches = exams.filter((e) => e.id.startsWith(wanted.trim().toLowerCase()));
  return matches.length === 1 ? matches[0]! : { problem: matches.length > 1 ? 'ambiguous' : 'unknown' };
}
