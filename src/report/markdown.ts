// The report as Markdown, for a pull request, an issue or a notes folder.
import { escapeMarkdown as m, markdownCell as c, markdownFence } from './escape.js';
import type { PacketPath } from './packet-path.js';
import { duration, OUTCOME_TEXT, type ItemStatus, type SessionReport } from './session-report.js';

const STATUS: Record<ItemStatus, string> = { pass: '✓ pass', fail: '✗ fail', unknown: '? unknown' };

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The packet path in one line of text: where the packets go and where they stop. */
export function pathLine(path: PacketPath): string {
  const hops = path.hops.filter((h) => h.used);
  const parts: string[] = [];
  for (const hop of hops) {
    const faultHere = path.fault?.at === hop.id;
    if (faultHere && path.fault!.onTheWay) {
      parts.push(`✗ dropped before ${hop.title} (${path.fault!.layer})`);
      break;
    }
    parts.push(faultHere ? `${hop.title} ✗ (${path.fault!.layer})` : hop.title);
    if (faultHere) break;
  }
  return parts.join(' → ');
}

function session(s: SessionReport): string {
  const r = s.record;
  const d = r.diagnosis;
  const out: string[] = [];
  out.push(`## ${m(r.title || r.scenario)} (${m(r.scenario)})`, '');
  out.push(
    table(
      ['', ''],
      [
        ['Session', c(r.id)],
        ['Played', c(`${r.startedAt} → ${r.stoppedAt}`)],
        ['Backend / seed', c(`${r.backend} / ${r.seed ?? '—'}`)],
        ['Difficulty / layers', c(`${r.difficulty} / ${r.layers.join(', ') || '—'}`)],
        ['Diagnosis', d ? `**${d.total}/100** (${d.points} − ${d.hintPenalty} for hints)` : 'not given'],
        ['Fix', c(OUTCOME_TEXT[s.outcome])],
        ['Time to diagnose / fix', `${duration(r.timeToDiagnoseMs)} / ${duration(r.timeToFixMs)}`],
        ['Hints used', `${r.hintsUsed}${r.hintsTotal ? `/${r.hintsTotal}` : ''}`],
        ['Resets', String(r.resets)],
      ],
    ),
    '',
  );
  if (r.story) out.push('### Story', '', m(r.story.trim()), '');
  if (r.symptom) {
    out.push(
      '### Symptom',
      '',
      `From \`${r.symptom.from.replace(/`/g, '')}\` to \`${r.symptom.to.replace(/`/g, '')}\`, the learner sees **${m(r.symptom.expect)}**.`,
      '',
    );
    out.push(`Packet path: ${m(pathLine(s.path))}`, '');
    if (s.path.fault?.object)
      out.push(`Fault: layer ${m(s.path.fault.layer)}, ${m(s.path.fault.object)}${s.path.fault.why ? `: ${m(s.path.fault.why)}` : ''}`, '');
  }
  out.push('### Diagnosis', '');
  out.push(
    table(
      ['Part', 'Answer', 'Answer key', 'Result', 'Points'],
      s.diagnosis.map((p) => [
        p.part,
        c(p.given ?? '—'),
        c(p.expected || '—'),
        p.correct === null ? STATUS.unknown : STATUS[p.correct ? 'pass' : 'fail'],
        `${p.points}/${p.max}`,
      ]),
    ),
    '',
  );
  if (d) out.push(`Score: ${d.points}/${d.max} − ${d.hintPenalty} for ${r.hintsUsed} hint(s) = **${d.total}**.`, '');
  const evidence = r.key?.evidence;
  if (evidence)
    out.push(
      `Evidence asked: ${m(evidence.question)} The answer, \`${evidence.answer.replace(/`/g, '')}\`, is shown by \`${evidence.reveal.replace(/`/g, '')}\`.`,
      '',
    );
  out.push('### Checks', '');
  out.push(
    s.lastCheck
      ? `Last check ${s.lastCheck.passed ? 'passed' : 'failed'} at ${s.lastCheck.at}; ${r.checks.length} check(s) run.${r.fixedAt ? ` First passed at ${r.fixedAt}.` : ''}`
      : 'netbreak check was never run.',
    '',
  );
  if (s.checkItems.length > 0)
    out.push(
      table(
        ['Result', 'Kind', 'Item', 'Detail'],
        s.checkItems.map((i) => [STATUS[i.status], i.kind, c(i.description), c(i.detail)]),
      ),
      '',
    );
  if (r.debrief) out.push('### Debrief', '', markdownFence(r.debrief.trimEnd()), '');
  return out.join('\n');
}

export function renderMarkdown(sessions: SessionReport[], generatedAt: Date): string {
  const out = [`# netbreak report`, '', `Generated ${generatedAt.toISOString()}; ${sessions.length} session(s).`, ''];
  if (sessions.length > 1) {
    out.push(
      table(
        ['Session', 'Date', 'Scenario', 'Diagnosis', 'Fix'],
        sessions.map((s) => [
          c(s.record.id),
          s.record.stoppedAt.slice(0, 10),
          c(s.record.scenario),
          s.record.diagnosis ? `${s.record.diagnosis.total}/100` : '—',
          c(OUTCOME_TEXT[s.outcome]),
        ]),
      ),
      '',
    );
  }
  for (const s of sessions) out.push(session(s));
  return `${out.join('\n').trimEnd()}\n`;
}
