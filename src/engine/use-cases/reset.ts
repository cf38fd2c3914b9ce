// `netbreak reset`: the session's scenario rebuilt as it was just after start
// (see resetScenario); also how an interrupted start or change is repaired.
import type { Progress } from '../../lab/progress.js';
import type { SessionContext } from '../session-context.js';
import type { Session } from '../session.js';
import { resetScenario } from '../start-scenario.js';
import { removeLabOnInterrupt, type Interruption } from './interrupt.js';

/** `context` is opened with `afterInterruption`: reset is what repairs an interrupted session. */
export function reset(context: SessionContext, progress: Progress, interrupted: (interruption: Interruption) => void): Promise<Session> {
  const { session, loaded } = context;
  return removeLabOnInterrupt(session.lab, () => resetScenario(session, loaded, progress), interrupted);
}
