// A self-contained HTML report: inline CSS and inline SVG, no script, no
// external font, image or stylesheet, so it can be mailed or archived as is.
// Written as well-formed XML (void elements closed) so tools can parse it too.
import { escapeHtml as e } from './escape.js';
import { duration, OUTCOME_TEXT, type ItemStatus, type SessionReport } from './session-report.js';
import { packetPathSvg } from './svg.js';

const CSS = `
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1.5rem;color:#1a202c;line-height:1.45}
h1{margin:0 0 .25rem}h2{margin-top:2.5rem;border-bottom:2px solid #e2e8f0;padding-bottom:.25rem}h2 small{color:#718096;font-weight:400}
.sub{color:#718096;margin:0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:1rem 0}dl.meta dt{color:#718096}dl.meta dd{margin:0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:.5rem .9rem;min-width:8rem}.card b{display:block;font-size:1.4rem}.card span{color:#718096;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e2e8f0;vertical-align:top}th{background:#f7fafc}
.pass{color:#276749;font-weight:600}.fail{color:#c53030;font-weight:600}.unknown{color:#975a16;font-weight:600}
pre{background:#f7fafc;border:1px solid #e2e8f0;border-radius:6px;padding:.75rem;overflow-x:auto;white-space:pre-wrap}
figure{margin:1rem 0;overflow-x:auto}svg.packet-path{max-width:100%;height:auto}
footer{margin-top:3rem;color:#a0aec0;font-size:.8rem}
`;

const STATUS_TEXT: Record<ItemStatus, string> = { pass: '✓ pass', fail: '✗ fail', unknown: '? unknown' };

function status(s: ItemStatus): string {
  return `<span class="${s}">${e(STATUS_TEXT[s])}</span>`;
}

function card(value: string, label: string): string {
  return `<div class="card"><b>${e(value)}</b><span>${e(label)}</span></div>`;
}

function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => `<p>${e(p.replace(/\s*\n\s*/g, ' '))}</p>`)
    .join('\n');
}

function sessionSection(s: SessionReport, index: number): string {
  const r = s.record;
  const d = r.diagnosis;
  const out: string[] = [];
  out.push(`<section class="session" id="session-${e(r.id)}">`);
  out.push(`<h2>${e(r.title || r.scenario)} <small>(${e(r.scenario)})</small></h2>`);
  const meta: [string, string][] = [
    ['Session', r.id],
    ['Played', `${r.startedAt} → ${r.stoppedAt}`],
    ['Backend', r.backend],
    ['Seed', r.seed === null ? '—' : String(r.seed)],
    ['Difficulty', r.difficulty],
    ['Layers', r.layers.join(', ') || '—'],
    ['Resets', String(r.resets)],
  ];
  out.push(`<dl class="meta">${meta.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`);
  out.push(
    `<div class="cards">${[
      card(d ? `${d.total}/100` : '—', d ? `diagnosis (${d.points} − ${d.hintPenalty} for hints)` : 'no diagnosis given'),
      card(OUTCOME_TEXT[s.outcome], 'fix'),
      card(duration(r.timeToDiagnoseMs), 'time to diagnose'),
      card(duration(r.timeToFixMs), 'time to fix'),
      card(`${r.hintsUsed}${r.hintsTotal ? `/${r.hintsTotal}` : ''}`, 'hints used'),
      card(duration(s.durationMs), 'session length'),
    ].join('')}</div>`,
  );
  if (r.story) out.push('<h3>Story</h3>', paragraphs(r.story));
  out.push('<h3>Symptom and packet path</h3>');
  if (r.symptom)
    out.push(`<p>From <code>${e(r.symptom.from)}</code> to <code>${e(r.symptom.to)}</code>, the learner sees <strong>${e(r.symptom.expect)}</strong>.</p>`);
  out.push(`<figure>${packetPathSvg(s.path, `pp${index}`)}</figure>`);

  out.push('<h3>Diagnosis</h3>');
  if (!d) out.push('<p>No diagnosis was given.</p>');
  out.push('<table><thead><tr><th>Part</th><th>Answer</th><th>Answer key</th><th>Result</th><th>Points</th></tr></thead><tbody>');
  for (const p of s.diagnosis) {
    const result = p.correct === null ? status('unknown') : status(p.correct ? 'pass' : 'fail');
    out.push(`<tr><td>${e(p.part)}</td><td>${e(p.given ?? '—')}</td><td>${e(p.expected || '—')}</td><td>${result}</td><td>${p.points}/${p.max}</td></tr>`);
  }
  out.push('</tbody></table>');
  if (d) {
    if (d.causeText) out.push(`<p>Cause answered: ${e(d.causeText)}</p>`);
    out.push(`<p>Score: ${d.points}/${d.max} − ${d.hintPenalty} for ${r.hintsUsed} hint(s) = <strong>${d.total}</strong>.</p>`);
  }
  if (r.key?.causeText) out.push(`<p>Root cause: ${e(r.key.causeText)}</p>`);
  const evidence = r.key?.evidence;
  if (evidence)
    out.push(`<p>Evidence asked: ${e(evidence.question)} The answer, <code>${e(evidence.answer)}</code>, is shown by <code>${e(evidence.reveal)}</code>.</p>`);

  out.push('<h3>Checks</h3>');
  out.push(
    `<p>${s.lastCheck ? `Last check ${s.lastCheck.passed ? 'passed' : 'failed'} at ${e(s.lastCheck.at)}; ${r.checks.length} check(s) run.` : 'netbreak check was never run.'}${r.fixedAt ? ` First passed at ${e(r.fixedAt)}.` : ''}</p>`,
  );
  if (s.checkItems.length > 0) {
    out.push('<table><thead><tr><th>Result</th><th>Kind</th><th>Item</th><th>Detail</th></tr></thead><tbody>');
    for (const i of s.checkItems) out.push(`<tr><td>${status(i.status)}</td><td>${e(i.kind)}</td><td>${e(i.description)}</td><td>${e(i.detail)}</td></tr>`);
    out.push('</tbody></table>');
  }
  if (r.debrief) out.push('<h3>Debrief</h3>', `<pre>${e(r.debrief.trimEnd())}</pre>`);
  out.push('</section>');
  return out.join('\n');
}

function overview(sessions: SessionReport[]): string {
  const rows = sessions.map((s) => {
    const r = s.record;
    return `<tr><td><a href="#session-${e(r.id)}">${e(r.id)}</a></td><td>${e(r.stoppedAt.slice(0, 10))}</td><td>${e(r.scenario)}</td><td>${e(r.layers.join(', '))}</td><td>${r.diagnosis ? `${r.diagnosis.total}/100` : '—'}</td><td>${e(OUTCOME_TEXT[s.outcome])}</td></tr>`;
  });
  return `<section><h2>Sessions</h2><table><thead><tr><th>Session</th><th>Date</th><th>Scenario</th><th>Layers</th><th>Diagnosis</th><th>Fix</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></section>`;
}

export function renderHtml(sessions: SessionReport[], generatedAt: Date): string {
  const title =
    sessions.length === 1 ? `netbreak report: ${sessions[0]!.record.title || sessions[0]!.record.scenario}` : `netbreak report: ${sessions.length} sessions`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${e(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${e(title)}</h1><p class="sub">Generated ${e(generatedAt.toISOString())} by netbreak.</p></header>`,
    sessions.length > 1 ? overview(sessions) : '',
    ...sessions.map(sessionSection),
    '<footer>netbreak: break Kubernetes networking on purpose, then find and fix it with real tools.</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
