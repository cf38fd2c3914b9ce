// Ends a kind lab but keeps its cluster (stop without --delete-cluster, and
// clean when the user keeps the cluster).
import type { CleanReport } from '../lab/backend.js';
import { backendOfLab } from '../lab/backends.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';
import type { Notice } from './notice.js';
import { readSession, type Session } from './session.js';
import { revertJournal } from './start-scenario.js';

/**
 * The cluster outlives the lab, so what the scenario's journal records outside
 * its namespaces (a rule typed on a node, a patched kube-system object) is
 * undone first, also after a start that was interrupted half way. What could
 * not be undone comes back as notices.
 */
export async function releaseKindLab(
  name: string,
  session: Session | undefined = readSession(name),
  load = (s: Session): Promise<LoadedScenario> => loadScenario(s.scenarioDir, { seed: s.seed }),
): Promise<{ report: CleanReport; notices: Notice[] }> {
  const backend = backendOfLab(name);
  const notices: Notice[] = [];
  if (session) {
    const lab = await backend.attach(name).catch(() => undefined);
    const problems = lab ? await revertJournal(lab, await load(session)) : [];
    for (const problem of problems) {
      notices.push({ about: 'warning', text: `could not undo ${problem}; the kind cluster may keep that change ("netbreak clean" deletes the cluster)` });
    }
  }
  return { report: await backend.release!(name), notices };
}
