// `netbreak stop`: the lab ends as its backend ends labs (netns and kubeconfig
// remove everything; kind keeps its cluster unless asked to delete it), then
// the session becomes one line of history and the workshop hears of it.
import type { CleanReport } from '../../lab/backend.js';
import { backendOfLab } from '../../lab/backends.js';
import { readLabRecord } from '../../lab/state.js';
import type { Progress } from '../../lab/progress.js';
import { recordFinishedSession } from '../../history/finish.js';
import { loadScenario, type LoadedScenario } from '../../scenario/loader.js';
import { resolveLabName } from '../current-lab.js';
import { UserError } from '../../errors.js';
import type { Notice } from '../notice.js';
import { releaseKindLab } from '../release-kind-lab.js';
import { readSession, type Session } from '../session.js';
import { reportToWorkshop } from '../workshop-report.js';

export interface StopRequest {
  /** --lab; default: the only running lab. */
  lab?: string;
  /** kind: delete the cluster too (after `confirmDeletion` says yes). */
  deleteCluster?: boolean;
  /** Asked before a kind cluster netbreak created is deleted; false cancels the stop. */
  confirmDeletion: (cluster: string) => Promise<boolean>;
  progress: Progress;
}

/** The finished session in brief. */
export interface SessionSummary {
  scenario: string;
  elapsed: number;
  hintsUsed: number;
  diagnosis: number | null;
  fixed: boolean;
}

export interface Stopped {
  lab: string;
  removed: string[];
  /** Null for a sandbox lab (no scenario ran). */
  summary: SessionSummary | null;
  /** The session's id in the history, when it was recorded there. */
  historyId: string | null;
  notices: Notice[];
}

/** The cluster name a kind lab runs on, for asking before deleting it. */
export function kindClusterOf(lab: string): string {
  return readLabRecord(lab)?.cluster ?? lab;
}

/** How the lab will end, decided (and confirmed) before anything is removed. */
async function endLab(name: string, request: StopRequest, session: Session | undefined, load: (s: Session) => Promise<LoadedScenario>) {
  const backend = backendOfLab(name);
  if (!backend.release) return async (): Promise<{ report: CleanReport; notices: Notice[] }> => ({ report: await backend.down(name), notices: [] });
  if (request.deleteCluster) {
    if (!(await request.confirmDeletion(kindClusterOf(name)))) throw new UserError('cancelled: the kind cluster is kept', 130);
    return async () => ({ report: await backend.down(name), notices: [] });
  }
  return () => releaseKindLab(name, session, load);
}

export async function stop(request: StopRequest): Promise<Stopped> {
  const name = await resolveLabName(request.lab);
  const session = readSession(name);
  // Loaded at most once: undoing a kind lab's journal and the history line both need it.
  let loading: Promise<LoadedScenario> | undefined;
  const load = (s: Session) => (loading ??= loadScenario(s.scenarioDir, { seed: s.seed }));
  const end = await endLab(name, request, session, load);
  const { report, notices } = await request.progress.step(`Removing lab ${name}`, end);
  // Once the lab is down: a stop that fails records nothing and is retried (the session's id is stable, so never twice).
  const stoppedAt = new Date();
  const history = session ? await recordFinishedSession(session, stoppedAt, undefined, () => load(session)) : undefined;
  if (history && 'warning' in history) notices.push({ about: 'warning', text: history.warning });
  // Reported from where the history is written: the board gets the same final state the history keeps.
  if (session && session.status !== 'starting') notices.push(...(await reportToWorkshop('stopped', session, stoppedAt)));
  const summary = session
    ? {
        scenario: session.scenario,
        elapsed: Date.now() - Date.parse(session.startedAt),
        hintsUsed: session.hintsUsed,
        diagnosis: session.diagnosis?.total ?? null,
        fixed: Boolean(session.fixedAt),
      }
    : null;
  return { lab: name, removed: report.removed, summary, historyId: history && 'id' in history ? history.id : null, notices };
}
