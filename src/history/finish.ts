// What `netbreak stop` does with a session before it is gone: one line of
// history. Never fatal: the lab is already down, and losing a history line is
// better than failing the stop.
import type { Session } from './session.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';
import type { Scenario } from '../scenario/schema.js';
import { recordFromSession } from './record.js';
import { appendHistory, defaultHistory, type HistoryLocation } from './store.js';

export type Recorded = { id: string; file: string; appended: boolean } | { skipped: string } | { warning: string };

/** `load`: the session's scenario, when the caller has loaded it already (stop on kind, to undo the journal). */
export async function recordFinishedSession(
  session: Session,
  stoppedAt = new Date(),
  location: HistoryLocation = defaultHistory(),
  load: () => Promise<LoadedScenario> = () => loadScenario(session.scenarioDir, { seed: session.seed }),
): Promise<Recorded> {
  // A start that never got the fault in showed no symptom: nothing was played.
  if (session.status === 'starting') return { skipped: 'the scenario never finished starting' };
  let scenario: Scenario | undefined;
  try {
    scenario = (await load()).scenario;
  } catch {
    // The scenario folder moved or broke since start: record what the session alone knows.
  }
  try {
    const record = recordFromSession(session, scenario, stoppedAt);
    const appended = appendHistory(record, location);
    return { id: record.id, file: location.file, appended };
  } catch (error) {
    return { warning: `this session was not added to the history (${location.file}): ${(error as Error).message}` };
  }
}
