// What the learner's use-cases start from: the lab, its running session and the
// scenario variant of that session.
import { attachLab, resolveLabName, type AttachedLab } from './current-lab.js';
import { UserError } from '../errors.js';
import { interruptedChange, readSession, type Session } from './session.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';

export type SessionContext = { lab: AttachedLab; session: Session; loaded: LoadedScenario };

/** `afterInterruption`: the caller repairs an interrupted start or change itself (reset), so it is not refused. */
export async function openSession(requestedLab: string | undefined, options: { afterInterruption?: boolean } = {}): Promise<SessionContext> {
  const name = await resolveLabName(requestedLab);
  const session = readSession(name);
  if (!session) {
    throw new UserError(`lab "${name}" runs no scenario (it is a sandbox): start one with "netbreak start <scenario>"`, 4);
  }
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
