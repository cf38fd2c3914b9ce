// `netbreak progress`: how well the learner knows each layer, their streak, and
// what to play next, from the history of finished sessions.
import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { summarizeProgress } from '../../history/progress.js';
import { bar } from '../../history/mastery.js';
import { defaultHistory, readHistory } from '../../history/store.js';
import { readFinishedExams } from '../../history/exam-store.js';
import type { LibraryEntry } from '../../history/suggest.js';
import { listScenarios } from '../../scenario/loader.js';
import { color, kubectlTable, printJson, println } from '../output.js';

/** The scenario library as the suggestion needs it; a library that cannot be read suggests nothing rather than failing. */
async function library(): Promise<LibraryEntry[]> {
  try {
    const { scenarios } = await listScenarios(scenariosRoot());
    return scenarios.map(({ scenario: s }) => ({ id: s.id, title: s.title, layers: s.layers, difficulty: s.difficulty }));
  } catch {
    return [];
  }
}

export function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`netbreak: warning: ${w}\n`);
}

function tint(fraction: number, text: string): string {
  return fraction >= 0.8 ? color.green(text) : fraction >= 0.5 ? color.yellow(text) : color.red(text);
}

/** 0.575 → 58: rounds half up despite 0.575 * 100 being 57.49999… in binary. */
const percent = (fraction: number) => Math.round(fraction * 100 + 1e-9);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const { file } = defaultHistory();
  const { records, warnings } = readHistory(file);
  warn(warnings);
  const finished = readFinishedExams();
  warn(finished.warnings);
  // The most recent mock exams, newest first: how the learner does against the clock.
  const exams = finished.exams
    .slice(-5)
    .reverse()
    .map((e) => ({
      id: e.id,
      endedAt: e.endedAt ?? null,
      seed: e.seed,
      tasks: e.tasks.length,
      percent: e.result?.percent ?? null,
      passed: e.result?.passed ?? null,
      layers: e.result?.layers ?? [],
    }));
  const summary = summarizeProgress(records, await library());
  const recent = [...records]
    .sort((a, b) => Date.parse(b.stoppedAt) - Date.parse(a.stoppedAt))
    .slice(0, 5)
    .map((r) => ({
      id: r.id,
      stoppedAt: r.stoppedAt,
      scenario: r.scenario,
      diagnosis: r.diagnosis?.total ?? null,
      // null: no diagnosis, or one given before the evidence question existed.
      evidence: r.diagnosis?.parts?.evidence?.correct ?? null,
      outcome: r.fixedAt === null ? 'not-fixed' : r.solvedWithReference ? 'solved-with-reference' : 'fixed',
    }));
  const withEvidence = records.flatMap((r) => (r.diagnosis?.parts?.evidence ? [r.diagnosis.parts.evidence.correct] : []));
  const evidence = { asked: withEvidence.length, found: withEvidence.filter(Boolean).length };
  if (json) return printJson({ historyFile: file, ...summary, evidence, recent, exams, warnings: [...warnings, ...finished.warnings] });

  if (records.length === 0) {
    println('No finished sessions yet. Start with "netbreak list" to pick a scenario, then "netbreak start <scenario>"; "netbreak stop" records how it went.');
    return;
  }
  const { streaks: st } = summary;
  println(
    `${color.bold('Progress')}  ${plural(summary.sessions, 'session')}, ${summary.fixed} fixed by you; ` +
      `streak ${plural(st.current, 'day')} (longest ${st.longest})${st.lastDay ? `, last practised ${st.lastDay}` : ''}`,
  );
  println();
  println(
    kubectlTable(
      ['LAYER', 'SESSIONS', 'FIXED', 'AVG SCORE', 'MASTERY'],
      summary.layers.map((l) => [
        l.layer,
        String(l.sessions),
        String(l.fixed),
        String(Math.round(l.averageScore)),
        `${tint(l.mastery, bar(l.mastery))} ${percent(l.mastery)}%`,
      ]),
    ),
  );
  if (evidence.asked > 0) {
    println(
      `\n${color.bold('Evidence')}  found in ${evidence.found} of ${evidence.asked} ${evidence.asked === 1 ? 'diagnosis' : 'diagnoses'} (the fact only the lab shows)`,
    );
  }
  println();
  println(`${color.bold('Weakest')}   ${summary.weakest.length > 0 ? summary.weakest.join(', ') : 'none: every layer you practised is at 80% or more'}`);
  if (summary.untried.length > 0) println(`${color.bold('Untried')}   ${summary.untried.join(', ')}`);
  if (summary.suggestion) {
    const s = summary.suggestion;
    println(`${color.bold('Next')}      netbreak start ${s.id}   ${color.dim(`"${s.title}": ${s.reason}`)}`);
  }
  println();
  println(color.bold('Recent sessions') + color.dim('  (netbreak report --session ID)'));
  const evidenceCell = (found: boolean | null) => (found === null ? '-' : found ? 'found' : 'missed');
  println(
    kubectlTable(
      ['ID', 'STOPPED', 'SCENARIO', 'DIAGNOSIS', 'EVIDENCE', 'FIX'],
      recent.map((r) => [
        r.id,
        r.stoppedAt.slice(0, 16).replace('T', ' '),
        r.scenario,
        r.diagnosis === null ? '-' : `${r.diagnosis}/100`,
        evidenceCell(r.evidence),
        r.outcome,
      ]),
    ),
  );
  if (exams.length > 0) {
    println();
    println(color.bold('Exams') + color.dim('  (netbreak report --exam ID)'));
    const layerCell = (l: { layer: string; percent: number }[]) => l.map((x) => `${x.layer} ${x.percent}%`).join(', ');
    println(
      kubectlTable(
        ['ID', 'ENDED', 'SEED', 'TASKS', 'SCORE', 'RESULT', 'PER LAYER'],
        exams.map((e) => [
          e.id,
          (e.endedAt ?? '').slice(0, 16).replace('T', ' '),
          String(e.seed),
          String(e.tasks),
          e.percent === null ? '-' : `${e.percent}%`,
          e.passed ? 'passed' : 'not passed',
          layerCell(e.layers),
        ]),
      ),
    );
  }
}
