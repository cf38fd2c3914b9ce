// `netbreak start`: lab up, setup applied, healthy path proven, fault injected,
// symptom proven, clock started. A scenario whose fault does not show is a bug in
// the scenario, not a quiz, so start refuses it. Any failure removes the lab.
import { randomInt } from 'node:crypto';
import { netnsBackend } from '../lab/netns/backend.js';
import type { Lab } from '../lab/lab.js';
import { refOf, type ObjectRef } from '../lab/objects.js';
import type { Progress } from '../lab/progress.js';
import { faultKind } from '../faults/registry.js';
import type { StepContext } from '../faults/fault-kind.js';
import type { LoadedScenario } from '../scenario/loader.js';
import { judgeProbe } from '../grading/probes.js';
import { UserError } from './errors.js';
import { readSession, writeSession, type JournalEntry, type Session } from './session.js';
import type { Step } from '../scenario/schema.js';

const WORKLOAD_KINDS = new Set(['Deployment', 'DaemonSet', 'Pod']);

/** Applies manifests in order and waits for their workloads, as `kubectl apply` then `kubectl wait` would. */
export async function applyManifests(lab: Lab, loaded: LoadedScenario, paths: string[], update: (s: string) => void): Promise<void> {
  const workloads: ObjectRef[] = [];
  for (const path of paths) {
    const objects = loaded.manifests.get(path) ?? [];
    await lab.apply(objects);
    workloads.push(...objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).map(refOf));
  }
  await lab.waitReady(workloads, 30_000, update);
}

export async function runSteps(ctx: StepContext, steps: Step[]): Promise<JournalEntry[]> {
  const journal: JournalEntry[] = [];
  for (const step of steps) {
    const [name, params] = Object.entries(step)[0]!;
    const kind = faultKind(name)!;
    journal.push({ step, undo: await kind.apply(ctx, kind.params.parse(params)) });
  }
  return journal;
}

/** Polls a probe until it shows what is expected; the data plane follows object changes asynchronously. */
async function waitForSymptom(lab: Lab, symptom: LoadedScenario['scenario']['symptom'], timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const judged = await judgeProbe(lab, symptom);
    if (judged.pass || Date.now() > until) return judged;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface StartOptions {
  lab: string;
  seed?: number;
  progress: Progress;
}

/** Everything after the lab is up: setup, healthy path, fault, symptom. Returns the fault journal. */
async function breakLab(lab: Lab, loaded: LoadedScenario, progress: Progress): Promise<JournalEntry[]> {
  const { scenario } = loaded;
  const ctx: StepContext = { lab, manifests: loaded.manifests };
  await progress.step('Applying the scenario setup', (update) =>
    applyManifests(lab, loaded, scenario.setup, update).catch((error: Error) => {
      throw new UserError(`scenario ${scenario.id}: its setup did not come up (${error.message}); the scenario is broken`);
    }),
  );
  await progress.step('Checking that the healthy path works', async () => {
    const healthy = await waitForSymptom(lab, { ...scenario.symptom, expect: 'success' }, 5000);
    if (!healthy.pass) {
      throw new UserError(`before the fault, ${scenario.symptom.from} → ${scenario.symptom.to} should work but gave ${healthy.outcome} (${healthy.result.detail}); the scenario's setup is broken`);
    }
  });
  const journal = await progress.step('Injecting the fault', () => runSteps(ctx, scenario.fault));
  await progress.step('Confirming the symptom', async () => {
    const judged = await waitForSymptom(lab, scenario.symptom, 5000);
    if (!judged.pass) {
      throw new UserError(`the fault did not show: ${scenario.symptom.from} → ${scenario.symptom.to} gave ${judged.outcome} (${judged.result.detail}); the scenario is broken`);
    }
  });
  return journal;
}

/** Brings a lab up and breaks it; on any failure removes the lab before rethrowing. */
async function freshBrokenLab(loaded: LoadedScenario, labName: string, progress: Progress): Promise<JournalEntry[]> {
  const lab = await netnsBackend.up(labName, {}, progress);
  try {
    return await breakLab(lab, loaded, progress);
  } catch (error) {
    await netnsBackend.down(labName);
    throw error;
  }
}

export async function startScenario(loaded: LoadedScenario, options: StartOptions): Promise<Session> {
  const { scenario } = loaded;
  if (!scenario.backends.includes('netns')) {
    const why = scenario.unsupported?.netns;
    throw new UserError(`scenario ${scenario.id} does not run on the netns lab${why ? ` (${why})` : ''}: pick another with "netbreak list"`);
  }
  if (readSession(options.lab) || (await netnsBackend.labs()).includes(options.lab)) {
    throw new UserError(`a lab is already running: finish it with "netbreak stop" first (or start this one beside it with --lab NAME)`);
  }
  const journal = await freshBrokenLab(loaded, options.lab, options.progress);
  const session: Session = {
    scenario: scenario.id,
    scenarioDir: loaded.dir,
    lab: options.lab,
    backend: 'netns',
    seed: options.seed ?? randomInt(1, 1_000_000),
    startedAt: new Date().toISOString(),
    hintsUsed: 0,
    journal,
    checks: [],
  };
  writeSession(session);
  return session;
}

/**
 * `netbreak reset`: the scenario exactly as it was just after start, whatever
 * the learner changed (objects, or rules typed on a node). On the netns lab the
 * exact way is a new lab from the same scenario and seed, which takes seconds.
 * The clock, hints and answers are kept: a reset is not a new attempt.
 */
export async function resetScenario(session: Session, loaded: LoadedScenario, progress: Progress): Promise<Session> {
  await progress.step(`Removing lab ${session.lab}`, () => netnsBackend.down(session.lab));
  const journal = await freshBrokenLab(loaded, session.lab, progress);
  const reset: Session = { ...session, journal, resets: (session.resets ?? 0) + 1 };
  writeSession(reset);
  return reset;
}
