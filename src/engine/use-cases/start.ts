// `netbreak start`: the learner's variant of a scenario on a fresh, broken lab,
// reported to the workshop when the learner joined one.
import { backendByName, type BackendChoice } from '../../lab/backends.js';
import type { Progress } from '../../lab/progress.js';
import { findScenario, type LoadedScenario } from '../../scenario/loader.js';
import { randomSeed } from '../../scenario/params.js';
import { joinedWorkshop } from '../../workshop/files.js';
import type { Notice } from '../notice.js';
import { scenariosRoot } from '../scenarios-root.js';
import type { Session } from '../session.js';
import { startScenario } from '../start-scenario.js';
import { reportToWorkshop } from '../workshop-report.js';
import { removeLabOnInterrupt, type Interruption } from './interrupt.js';

/** What the learner chooses about a start (`netbreak start`'s flags). */
export interface StartChoices {
  lab: string;
  seed?: number;
  backend?: BackendChoice;
  /** The kubeconfig backend's settings. */
  context?: string;
  kubeconfig?: string;
  learner?: string;
}

export interface StartRequest extends StartChoices {
  scenario: string;
  progress: Progress;
  /** Hears a Ctrl-C while the lab is built (see interrupt.ts). */
  interrupted: (interruption: Interruption) => void;
}

export interface Started {
  session: Session;
  loaded: LoadedScenario;
  notices: Notice[];
}

export async function start(request: StartRequest): Promise<Started> {
  // Joined to a workshop: the attendee's own variant, and on a shared cluster their own namespaces.
  const membership = joinedWorkshop() ? (await import('../../workshop/membership.js')).readMembership() : undefined;
  const seed = request.seed ?? membership?.seeds[request.scenario] ?? randomSeed();
  const perLearner = Boolean(request.backend && backendByName(request.backend)?.capabilities.namespacesPerLearner);
  const learner = request.learner ?? (perLearner ? membership?.attendee.name : undefined);
  const loaded = await findScenario(scenariosRoot(), request.scenario, { seed });
  const session = await removeLabOnInterrupt(
    request.lab,
    () =>
      startScenario(loaded, {
        lab: request.lab,
        seed,
        progress: request.progress,
        backend: request.backend ?? 'auto',
        upOptions: { context: request.context, kubeconfig: request.kubeconfig, learner },
      }),
    request.interrupted,
  );
  return { session, loaded, notices: await reportToWorkshop('started', session) };
}
