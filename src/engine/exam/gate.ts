// What the ordinary learner commands may do on an exam's lab: no hints, no
// reference fix, no debrief (they give the answer away), and once the time is
// up the exam ends before anything else is done.
import { UserError } from '../../errors.js';
import { examOfLab } from './current-exam.js';
import { endIfTimeIsUp } from './end-exam.js';
import { formatDuration, timeIsUp, timeLeftMs } from './clock.js';
import type { ExamEnv } from './task-lab.js';

/** Commands that would give a task's answer away. */
export type Giveaway = 'hint' | 'solve' | 'debrief';

const REFUSAL: Record<Giveaway, string> = {
  hint: 'hints are not available during an exam',
  solve: 'the reference fix is not available during an exam',
  debrief: 'the debrief is not available during an exam',
};

/**
 * Run before a learner command acts on `lab`. A giveaway is refused; when the
 * exam's time is up, the exam is ended and graded and the command refused.
 */
export async function examGate(lab: string, command: Giveaway | 'work', env: ExamEnv): Promise<void> {
  const exam = examOfLab(lab, env.files);
  if (!exam) return;
  if (timeIsUp(exam, env.clock)) {
    const ended = await endIfTimeIsUp(env);
    throw new UserError(
      `the exam's time is up: exam ${ended?.id ?? exam.id} is ended and graded (${ended?.result?.percent ?? 0}%), and lab ${lab} is removed; "netbreak exam status" shows the score table`,
      4,
    );
  }
  if (command !== 'work')
    throw new UserError(
      `${REFUSAL[command]} (exam ${exam.id}, ${formatDuration(timeLeftMs(exam, env.clock))} left): work it out, or move on with "netbreak exam next"`,
    );
}
