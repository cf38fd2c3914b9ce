// What most commands start from: the global flags, the lab, the running session
// and its scenario.
import type { Command } from 'commander';
import { attachLab, resolveLabName } from '../engine/current-lab.js';
import { UserError } from '../errors.js';
import { interruptedChange, readSession, type Session } from '../engine/session.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';

export function wantsJson(command: Command): boolean {
  return Boolean(command.optsWithGlobals().json);
}

/** `afterInterruption`: the command repairs an interrupted start or change itself (reset), so it is not refused. */
export async function sessionContext(command: Command, options: { afterInterruption?: boolean } = {}) {
  const name = await resolveLabName(command.optsWithGlobals().lab);
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

export type SessionContext = { lab: Awaited<ReturnType<typeof attachLab>>; session: Session; loaded: LoadedScenario };
