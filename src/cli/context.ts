// What most commands start from: the session of the lab --lab names (see src/engine/session-context.ts).
import type { Command } from 'commander';
import { openSession, type SessionContext } from '../engine/session-context.js';

/** `afterInterruption`: the command repairs an interrupted start or change itself (reset), so it is not refused. */
export function sessionContext(command: Command, options: { afterInterruption?: boolean } = {}): Promise<SessionContext> {
  return openSession(command.optsWithGlobals().lab, options);
}
