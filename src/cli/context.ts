// What most commands start from: the global flags, the lab, the running session
// and its scenario.
import type { Command } from 'commander';
import { attachLab, resolveLabName } from '../engine/current-lab.js';
import { UserError } from '../engine/errors.js';
import { readSession, type Session } from '../engine/session.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';

export function wantsJson(command: Command): boolean {
  return Boolean(command.optsWithGlobals().json);
}

export async function sessionContext(command: Command) {
  const name = await resolveLabName(command.optsWithGlobals().lab);
  const session = readSession(name);
  if (!session) {
    throw new UserError(`lab "${name}" runs no scenario (it is a sandbox): start one with "netbreak start <scenario>"`, 4);
  }
  const lab = await attachLab(name);
  return { lab, session, loaded: await loadScenario(session.scenarioDir) };
}

export type SessionContext = { lab: Awaited<ReturnType<typeof attachLab>>; session: Session; loaded: LoadedScenario };
