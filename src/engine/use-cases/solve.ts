// `netbreak solve`: the scenario's reference fix, journaled like any change; a
// session solved this way earns nothing for the fix.
import { faultKind } from '../../faults/registry.js';
import type { Notice } from '../notice.js';
import type { SessionContext } from '../session-context.js';
import { sessionRecorder, updateSession } from '../session.js';
import { runSteps } from '../start-scenario.js';
import { reportToWorkshop } from '../workshop-report.js';

export interface Solved {
  /** Each step of the fix as one sentence, in the order applied. */
  applied: string[];
  notices: Notice[];
}

export async function solve({ lab, session, loaded }: SessionContext): Promise<Solved> {
  const steps = loaded.scenario.fix;
  await runSteps({ lab, manifests: loaded.manifests }, steps, sessionRecorder(session.lab, 'fix'));
  const updated = await updateSession(session.lab, (s) => {
    s.solvedWithReference = true;
  });
  const notices = await reportToWorkshop('solved', updated);
  const applied = steps.map((step) => {
    const [name, params] = Object.entries(step)[0]!;
    return faultKind(name)!.describe(params);
  });
  return { applied, notices };
}
