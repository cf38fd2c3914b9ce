// An exam task is an ordinary session on the exam's lab: opening a task starts
// its scenario (the time that takes is added to the deadline), leaving it
// grades the end state, removes the lab and adds the session to the history.
import { attachLab } from '../current-lab.js';
import { readSession, updateSession, type Session } from '../session.js';
import { startScenario } from '../start-scenario.js';
import { releaseKindLab } from '../release-kind-lab.js';
import { removeLabOnInterrupt, type Interruption } from '../use-cases/interrupt.js';
import { scenariosRoot } from '../scenarios-root.js';
import { backendByName, type BackendChoice } from '../../lab/backends.js';
import type { Progress } from '../../lab/progress.js';
import { runCheck } from '../../grading/check.js';
import { findScenario, loadScenario } from '../../scenario/loader.js';
import { examDeadline, type ExamRecord } from '../../history/exam-record.js';
import { defaultExamFiles, writeCurrentExam, type ExamFiles } from '../../history/exam-store.js';
import { recordFinishedSession } from '../../history/finish.js';
import { sessionId } from '../../history/record.js';
import { defaultHistory, type HistoryLocation } from '../../history/store.js';
import { systemClock, timeIsUp, type Clock } from './clock.js';
import { bestGrade, gradeVisit } from './score.js';

export interface ExamEnv {
  clock: Clock;
  progress: Progress;
  /** Hears a Ctrl-C while a task's lab is being built (the lab is removed); tests leave it out. */
  interrupted?: (interruption: Interruption) => void;
  files: ExamFiles;
  history: HistoryLocation;
}

export function examEnv(progress: Progress, overrides: Partial<ExamEnv> = {}): ExamEnv {
  return { clock: systemClock, progress, files: defaultExamFiles(), history: defaultHistory(), ...overrides };
}

/** Starts task `index` on the exam's lab and makes it the current one. */
export async function openTask(exam: ExamRecord, index: number, env: ExamEnv): Promise<ExamRecord> {
  const task = exam.tasks[index]!;
  const building = env.clock.now();
  const loaded = await findScenario(scenariosRoot(), task.scenario, { seed: task.seed });
  const start = () => startScenario(loaded, { lab: exam.lab, seed: task.seed, progress: env.progress, backend: exam.backend as BackendChoice });
  await (env.interrupted ? removeLabOnInterrupt(exam.lab, start, env.interrupted) : start());
  // Building the lab is not the learner's time.
  const opened: ExamRecord = { ...exam, current: index, pausedMs: exam.pausedMs + Math.max(0, env.clock.now() - building) };
  writeCurrentExam(opened, env.files);
  return opened;
}

/** The exam's own check of the end state, recorded in the session as a learner's check is; undefined when the lab no longer answers. */
async function graderCheck(session: Session): Promise<boolean | undefined> {
  try {
    const lab = await attachLab(session.lab);
    const { scenario } = await loadScenario(session.scenarioDir, { seed: session.seed });
    const report = await runCheck(lab, scenario);
    const at = new Date().toISOString();
    await updateSession(session.lab, (s) => {
      s.checks.push({ at, passed: report.passed, items: report.items });
      if (report.passed && !s.fixedAt) s.fixedAt = at;
    });
    return report.passed;
  } catch {
    return undefined;
  }
}

/** Removes a task's lab as stop does: a netns or kubeconfig lab goes whole, a kind cluster is kept with the task's changes undone. */
async function removeTaskLab(session: Session): Promise<void> {
  const backend = backendByName(session.backend)!;
  if (backend.release) await releaseKindLab(session.lab, session);
  else await backend.down(session.lab);
}

/**
 * Grades the current task as it stands and leaves it: a check on the lab while
 * there is time (the CKA grades the end state), else only what was done before
 * the deadline. The session goes to the history like any stopped session.
 */
export async function leaveTask(exam: ExamRecord, env: ExamEnv): Promise<ExamRecord> {
  if (exam.current === null) return exam;
  const index = exam.current;
  const task = exam.tasks[index]!;
  const session = readSession(exam.lab);
  const tasks = [...exam.tasks];
  if (session && session.scenario === task.scenario && session.status !== 'starting') {
    const inTime = !timeIsUp(exam, env.clock);
    const passed = inTime ? await graderCheck(session) : undefined;
    const graded = readSession(exam.lab) ?? session;
    const grade = gradeVisit(task, graded, examDeadline(exam), passed);
    await env.progress.step(`Grading task ${index + 1} and removing lab ${exam.lab}`, () => removeTaskLab(graded));
    await recordFinishedSession(graded, new Date(env.clock.now()), env.history);
    tasks[index] = { ...task, sessions: [...task.sessions, sessionId(graded)], grade: bestGrade(task, task.grade, grade) };
  } else if (session) {
    await env.progress.step(`Removing lab ${exam.lab}`, () => removeTaskLab(session));
  }
  const left: ExamRecord = { ...exam, tasks, current: null };
  writeCurrentExam(left, env.files);
  return left;
}
