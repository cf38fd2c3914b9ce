// How the exam commands print an exam: the task list (weights, flags, where
// you are, time left) while it runs, the score table once it has ended.
import type { ExamRecord } from '../history/exam-record.js';
import { formatDuration, timeLeftMs, type Clock } from '../engine/exam/clock.js';
import { scenariosRoot } from '../engine/scenarios-root.js';
import { findScenario } from '../scenario/loader.js';
import { color, kubectlTable, println } from './output.js';
import { printBrief } from './scenario-brief.js';

/** The exam as --json prints it: the record plus the time left. */
export function examJson(exam: ExamRecord, clock: Clock): unknown {
  return { ...exam, task: exam.current === null ? null : exam.current + 1, timeLeftMs: exam.endedAt ? 0 : timeLeftMs(exam, clock) };
}

export function printTaskList(exam: ExamRecord, clock: Clock): void {
  const k = exam.current === null ? '-' : String(exam.current + 1);
  println(`${color.bold(`Exam ${exam.id}`)}  seed ${exam.seed}, ${exam.backend} backend, lab ${exam.lab}`);
  println(`Task ${k} of ${exam.tasks.length}, ${color.bold(formatDuration(timeLeftMs(exam, clock)))} left of ${exam.minutes} minutes.`);
  println();
  println(
    kubectlTable(
      ['', 'TASK', 'WEIGHT', 'SCENARIO', 'DIFFICULTY', 'LAYERS', 'FLAG', 'STATE'],
      exam.tasks.map((t, i) => [
        i === exam.current ? '→' : '',
        String(i + 1),
        `${t.weight}%`,
        t.title,
        t.difficulty,
        t.layers.join(','),
        t.flagged ? 'flagged' : '',
        i === exam.current ? 'open' : t.sessions.length > 0 ? 'left' : 'not opened',
      ]),
    ),
  );
}

export function printScoreTable(exam: ExamRecord): void {
  const result = exam.result;
  if (!result) return;
  const how = exam.endedBy === 'time' ? 'the time ran out' : 'ended by you';
  println(`${color.bold(`Exam ${exam.id}`)}  seed ${exam.seed}, ${exam.tasks.length} tasks, ${how} at ${exam.endedAt!.slice(11, 16)} UTC`);
  println();
  println(
    kubectlTable(
      ['TASK', 'SCENARIO', 'WEIGHT', 'FIX', 'DIAGNOSIS', 'SCORE'],
      result.tasks.map((t) => [
        String(t.index + 1),
        t.scenario,
        `${t.weight}%`,
        t.fixed ? color.green('pass') : color.red('fail'),
        t.diagnosis === null ? '-' : `${t.diagnosis}/100`,
        `${t.points}/${t.weight}`,
      ]),
    ),
  );
  println();
  println(
    kubectlTable(
      ['LAYER', 'TASKS', 'SCORE'],
      result.layers.map((l) => [l.layer, String(l.tasks), `${l.percent}%`]),
    ),
  );
  println();
  const verdict = result.passed ? color.green(`passed (pass mark ${result.passMark}%)`) : color.red(`not passed (pass mark ${result.passMark}%)`);
  println(
    `${color.bold(`Total ${result.percent}%`)}: ${verdict}. Each task is also a session in "netbreak progress"; "netbreak report --exam ${exam.id}" writes it up.`,
  );
}

/** The open task as the learner works it: its story, symptom and acceptance criteria (never its hints). */
export async function printOpenTask(exam: ExamRecord): Promise<void> {
  if (exam.current === null) return;
  const task = exam.tasks[exam.current]!;
  const { scenario } = await findScenario(scenariosRoot(), task.scenario, { seed: task.seed });
  println(color.bold(`Task ${exam.current + 1} (${task.weight}%): ${scenario.title}`));
  println();
  printBrief(scenario);
}
