// What the learner's use-cases start from: the lab, its running session and the
// scenario variant of that session.
import { attachLab, resolveLabName, type AttachedLab } from './current-lab.js';
import { UserError } from '../errors.js';
import { interruptedChange, readSession, type Session } from './session.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';
import { silentProgress } from '../lab/progress.js';
import { examGate, type Giveaway } from './exam/gate.js';
import { examEnv } from './exam/task-lab.js';

export type SessionContext = { lab: AttachedLab; session: Session; loaded: LoadedScenario };

export interface SessionOptions {
  /** The caller repairs an interrupted start or change itself (reset), so it is not refused. */
  afterInterruption?: boolean;
  /** The caller would give the answer away (hint, solve, debrief), so an exam refuses it. */
  giveaway?: Giveaway;
}

export async function openSession(requestedLab: string | undefined, options: SessionOptions = {}): Promise<SessionContext> {
  const name = await resolveLabName(requestedLab);
  const session = readSession(name);
  if (!session) {
    throw new UserError(`lab "${name}" runs no scenario (it is a sandbox): start one with "netbreak start <scenario>"`, 4);
  }
  // During an exam: no giveaways, and once the time is up the exam ends before anything else.
  await examGate(name, options.giveaway ?? 'work', examEnv(silentProgress));
  const interrupted = interruptedChange(session);
  if (!options.afterInterruption && (session.status === 'starting' || interrupted)) {
    throw new UserError(
      `the lab's last change was interrupted (${session.status === 'starting' ? 'start did not finish' : `${Object.keys(interrupted!.step)[0]} was cut short`}): run "netbreak reset" to rebuild the scenario, or "netbreak stop"`,
      4,
    );
  }
  const lab = await attachLab(name);
  // The session's seed picks the variant, so hints, diagnose and check see the learner's names and ports.
  return { lab, session, loaded: await loadScenario(session.scenarioDir, { seed: session.seed }) };
}
