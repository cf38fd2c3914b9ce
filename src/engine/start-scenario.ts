// `netbreak start`: lab up, setup applied, healthy path proven, fault injected,
// symptom proven, clock started. A scenario whose fault does not show is a bug in
// the scenario, not a quiz, so start refuses it. Any failure removes the lab.
// The session is on disk from the moment the lab's folder exists, and every
// change is journaled before it is made, so a crash at any point leaves a
// session that says what was in progress (see interruptedChange).
import type { Backend, UpOptions } from '../lab/backend.js';
import { ClusterAccessError, leftForClean, UserError } from '../errors.js';
import { backendByName, backendNamed, labsOfAllBackends, pickBackend, type BackendChoice } from '../lab/backends.js';
import type { Lab } from '../lab/lab.js';
import { refOf, type ObjectRef } from '../k8s/objects.js';
import type { Progress } from '../lab/progress.js';
import { applyStep } from '../faults/apply.js';
import { faultKind } from '../faults/registry.js';
import type { StepContext } from '../faults/fault-kind.js';
import { loadScenario, type LoadedScenario } from '../scenario/loader.js';
import { randomSeed } from '../scenario/params.js';
import { judgeProbe } from '../grading/probes.js';
import { InterruptedError, allowSafeStop, unlessStopped } from './interruption.js';
import { readSession, sessionRecorder, updateSession, writeSession, type JournalEntry, type Session, type StepRecorder } from './session.js';
import type { Step } from '../scenario/schema.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'Pod']);

/**
 * Applies manifests in order and waits for their workloads, as `kubectl apply`
 * then `kubectl wait` would. Each file is an `apply` step, so it is journaled
 * like a fault step when a recorder is given.
 */
export async function applyManifests(lab: Lab, loaded: LoadedScenario, paths: string[], update: (s: string) => void, record?: StepRecorder): Promise<void> {
  const workloads: ObjectRef[] = [];
  for (const path of paths) {
    const objects = loaded.manifests.get(path) ?? [];
    await record?.intent({ apply: path });
    const undo = await applyStep.apply({ lab, manifests: loaded.manifests }, path);
    await record?.done({ apply: path }, undo);
    workloads.push(...objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).map(refOf));
  }
  await unlessStopped(lab.waitReady(workloads, lab.capabilities.readyTimeoutMs, update));
}

/** Runs steps in order; with a recorder, each is in the journal before it starts (intent) and completed with its undo record after. */
export async function runSteps(ctx: StepContext, steps: Step[], record?: StepRecorder): Promise<JournalEntry[]> {
  const journal: JournalEntry[] = [];
  for (const step of steps) {
    const [name, raw] = Object.entries(step)[0]!;
    const kind = faultKind(name)!;
    const params = kind.params.parse(raw);
    await record?.intent(step);
    const undo = await kind.apply(ctx, params);
    await record?.done(step, undo);
    journal.push({ step, undo });
  }
  return journal;
}

/** Polls a probe until it shows what is expected; the data plane follows object changes asynchronously. */
async function waitForSymptom(lab: Lab, symptom: LoadedScenario['scenario']['symptom'], timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const judged = await unlessStopped(judgeProbe(lab, symptom));
    if (judged.pass || Date.now() > until) return judged;
    await unlessStopped(new Promise((r) => setTimeout(r, 200)));
  }
}

export interface StartOptions {
  lab: string;
  /** The variant seed; default: the one `loaded` was drawn from, else a random one. */
  seed?: number;
  progress: Progress;
  /** Which backend: `auto` (the default) picks kind when Docker and kind answer and the scenario runs there, else netns. */
  backend?: BackendChoice;
  /** The kubeconfig backend's --context, --kubeconfig and --learner. */
  upOptions?: UpOptions;
}

/** A real cluster needs time to pull images and propagate endpoints; the embedded lab settles in milliseconds. Tests shorten it. */
export const clusterSettle = { ms: 60_000 };

function settleMs(lab: Lab, netnsMs: number): number {
  return lab.capabilities.slowToSettle ? Math.max(netnsMs, clusterSettle.ms) : netnsMs;
}

/**
 * Undoes a session's journaled changes, newest first, as far as each step can
 * (best effort: a cluster that outlives the lab must not keep a rule typed on a
 * node). netns labs need none of this: removing the lab removes everything.
 */
export async function revertJournal(lab: Lab, loaded: LoadedScenario): Promise<string[]> {
  const problems: string[] = [];
  const session = readSession(lab.name);
  for (const entry of [...(session?.journal ?? [])].reverse()) {
    if (entry.state === 'intent') continue; // never completed: nothing to undo, or its undo is unknown
    const [name] = Object.keys(entry.step);
    try {
      await faultKind(name!)?.revert({ lab, manifests: loaded.manifests }, entry.undo);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Everything after the lab is up: setup, healthy path, fault, symptom, each change journaled in the lab's session first. */
async function breakLab(lab: Lab, loaded: LoadedScenario, progress: Progress): Promise<void> {
  const { scenario } = loaded;
  const ctx: StepContext = { lab, manifests: loaded.manifests };
  await progress.step('Applying the scenario setup', (update) =>
    applyManifests(lab, loaded, scenario.setup, update, sessionRecorder(lab.name, 'setup')).catch((error: Error) => {
      // A cluster that stopped answering is not a broken scenario.
      if (error instanceof InterruptedError || error instanceof ClusterAccessError) throw error;
      throw new UserError(`scenario ${scenario.id}: its setup did not come up (${error.message}); the scenario is broken`);
    }),
  );
  await progress.step('Checking that the healthy path works', async () => {
    const healthy = await waitForSymptom(lab, { ...scenario.symptom, expect: 'success' }, settleMs(lab, 5000));
    if (!healthy.pass) {
      throw new UserError(
        `before the fault, ${scenario.symptom.from} → ${scenario.symptom.to} should work but gave ${healthy.outcome} (${healthy.result.detail}); the scenario's setup is broken`,
      );
    }
  });
  await progress.step('Injecting the fault', () => runSteps(ctx, scenario.fault, sessionRecorder(lab.name, 'fault')));
  await progress.step('Confirming the symptom', async () => {
    const judged = await waitForSymptom(lab, scenario.symptom, settleMs(lab, 5000));
    if (!judged.pass) {
      throw new UserError(
        `the fault did not show: ${scenario.symptom.from} → ${scenario.symptom.to} gave ${judged.outcome} (${judged.result.detail}); the scenario is broken`,
      );
    }
  });
}

/**
 * Brings a lab up and breaks it. The session, marked `starting` with an empty
 * journal, is written as soon as the lab's folder exists, before any namespace;
 * `finish` marks it running. On any failure the lab (and so the session) is removed.
 */
async function freshBrokenLab(
  loaded: LoadedScenario,
  session: Session,
  progress: Progress,
  finish: (s: Session) => void,
  upOptions: UpOptions = {},
): Promise<Session> {
  const created = () => writeSession({ ...session, status: 'starting', journal: [] });
  const backend: Backend = backendNamed(session.backend);
  // The lab's own pods come up alongside the setup's (applyManifests waits for both).
  const cluster = loaded.scenario.cluster?.kubeProxyMode ? { kubeProxyMode: loaded.scenario.cluster.kubeProxyMode } : {};
  const lab = await backend.up(session.lab, { ...upOptions, ...cluster, created, systemReadyWithFirstWait: true }, progress);
  allowSafeStop();
  try {
    await breakLab(lab, loaded, progress);
    return await updateSession(session.lab, (s) => {
      s.status = 'running';
      finish(s);
    });
  } catch (caught) {
    // The lab was up: a cluster that stops answering now is a lab that died (exit 4), not a machine that cannot run one.
    let error = caught instanceof ClusterAccessError && caught.exitCode === 3 ? new ClusterAccessError(caught.message, 4, { cause: caught }) : caught;
    // A kept cluster (kind) loses the scenario's changes and namespaces; a netns lab goes whole.
    // When that fails too (the cluster is gone), the lab stays for `clean`, and the error says so.
    try {
      if (backend.release) {
        await revertJournal(lab, loaded);
        await backend.release(session.lab);
      } else await backend.down(session.lab);
    } catch {
      const what = `lab ${session.lab}`;
      error =
        error instanceof UserError && !(error instanceof InterruptedError)
          ? new UserError(`${error.message.replace(/\.$/, '')}, and ${what} is left for "netbreak clean" to remove`, error.exitCode)
          : leftForClean(error, what);
    }
    if (error instanceof InterruptedError) {
      throw new InterruptedError(
        `interrupted: the changes made so far are undone and lab ${session.lab} is removed${backend.capabilities.keptOnRelease ? ` (${backend.capabilities.keptOnRelease} is kept for the next start)` : ''}`,
      );
    }
    throw error;
  }
}

/** The scenario as the variant of `seed`: `loaded` itself when it was drawn from that seed. */
async function variantOf(loaded: LoadedScenario, seed: number): Promise<LoadedScenario> {
  return loaded.seed === seed ? loaded : loadScenario(loaded.dir, { seed });
}

export async function startScenario(given: LoadedScenario, options: StartOptions): Promise<Session> {
  const seed = options.seed ?? given.seed ?? randomSeed();
  const loaded = await variantOf(given, seed);
  const { scenario } = loaded;
  const choice = options.backend ?? 'auto';
  // A variant that asks for a kube-proxy mode runs only where labs can be made with it.
  const mode = scenario.cluster?.kubeProxyMode;
  const backends = mode ? scenario.backends.filter((b) => backendByName(b)?.capabilities.kubeProxyModes.includes(mode)) : scenario.backends;
  const pick = await pickBackend(choice, backends);
  if ('problem' in pick) {
    if (pick.problem === 'unavailable') throw new UserError(`no backend that scenario ${scenario.id} runs on can run on this machine: ${pick.reason}`, 3);
    const modeless = mode !== undefined && backends.length < scenario.backends.length && !backends.includes(choice);
    const why =
      choice === 'auto'
        ? undefined
        : modeless
          ? `this variant runs kube-proxy in ${mode} mode, which ${backendByName(choice)?.capabilities.title ?? choice} does not make; another --seed may draw another mode`
          : scenario.unsupported?.[choice];
    const where = choice === 'auto' ? 'on any backend --backend auto picks' : `on ${backendByName(choice)!.capabilities.title}`;
    throw new UserError(`scenario ${scenario.id} does not run ${where}${why ? ` (${why})` : ''}: ${pick.reason}, or pick another with "netbreak list"`);
  }
  if (readSession(options.lab) || (await labsOfAllBackends()).includes(options.lab)) {
    throw new UserError(`a lab is already running: finish it with "netbreak stop" first (or start this one beside it with --lab NAME)`);
  }
  const session: Session = {
    scenario: scenario.id,
    scenarioDir: loaded.dir,
    lab: options.lab,
    backend: pick.backend.name,
    seed,
    startedAt: new Date().toISOString(),
    hintsUsed: 0,
    journal: [],
    checks: [],
  };
  // The clock starts when the symptom has been shown.
  return freshBrokenLab(loaded, session, options.progress, (s) => void (s.startedAt = new Date().toISOString()), options.upOptions);
}

/**
 * `netbreak reset`: the scenario exactly as it was just after start, whatever
 * the learner changed (objects, or rules typed on a node). On the netns lab the
 * exact way is a new lab from the same scenario and seed, which takes seconds.
 * The clock, hints and answers are kept: a reset is not a new attempt.
 * This is also how a start or reset that crashed half way (its session still
 * `starting`, an intent left in its journal) is finished: the half-made lab is
 * removed whole, whatever the journal got to, and built again.
 */
export async function resetScenario(session: Session, given: LoadedScenario, progress: Progress): Promise<Session> {
  const loaded = await variantOf(given, session.seed);
  const backend: Backend = backendNamed(session.backend);
  // A cluster backend is reset in place: undo the journal, drop the scenario's namespaces, keep the cluster and its settings.
  const upOptions: UpOptions = backend.upOptionsOf?.(session.lab) ?? {};
  await progress.step(`Removing lab ${session.lab}`, async () => {
    if (backend.capabilities.disposable) return void (await backend.down(session.lab));
    await revertJournal(await backend.attach(session.lab), loaded).catch(() => []);
    await (backend.release ?? backend.down).call(backend, session.lab);
  });
  return freshBrokenLab(loaded, { ...session, resets: (session.resets ?? 0) + 1 }, progress, () => {}, upOptions);
}
