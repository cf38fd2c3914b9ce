// A running session of afternoon-deploy (seed 1) on a FakeLab: its setup
// applied and its fault in, the session on disk in a throw-away state folder
// (and a throw-away data folder for the history), as `start` would leave them.
// The fake's probes play kube-proxy: the api Service answers when its selector
// matches the api pods, and refuses otherwise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { AttachedLab } from '../../../src/engine/current-lab.js';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import type { SessionContext } from '../../../src/engine/session-context.js';
import { readSession, sessionFile, writeSession, type Session } from '../../../src/engine/session.js';
import { runSteps } from '../../../src/engine/start-scenario.js';
import { findScenario } from '../../../src/scenario/loader.js';
import { FakeLab } from '../../helpers/fake-lab.js';

/** The FakeLab's own name: the journal is found by the lab's name. */
export const LAB = 'fake';

export interface Played {
  lab: FakeLab;
  context: SessionContext;
  /** The session as it is on disk now. */
  session: () => Session;
}

let dirs: string[] = [];
const saved: Record<string, string | undefined> = {};

/** Gives every test its own state and data folders (NETBREAK_STATE_DIR, NETBREAK_DATA_DIR). */
export function useTempFolders(): void {
  beforeEach(() => {
    for (const name of ['NETBREAK_STATE_DIR', 'NETBREAK_DATA_DIR']) {
      saved[name] = process.env[name];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nb-uc-${name.slice(9, 14).toLowerCase()}-`));
      dirs.push(dir);
      process.env[name] = dir;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });
}

export async function playing(changes: Partial<Session> = {}): Promise<Played> {
  const loaded = await findScenario(scenariosRoot(), 'afternoon-deploy', { seed: 1 });
  const lab = new FakeLab(loaded.manifests.get('manifests/app.yaml'));
  lab.probeHandler = (request) => {
    const ns = loaded.params.namespace as string;
    const selector = (lab.peek({ kind: 'Service', namespace: ns, name: 'api' })!.spec as { selector: Record<string, string> }).selector;
    const pods = (lab.peek({ kind: 'Deployment', namespace: ns, name: 'api' })!.spec as any).template.metadata.labels as Record<string, string>;
    const matches = Object.entries(selector).every(([k, v]) => pods[k] === v);
    if (!request.to.includes('api.')) return { outcome: 'success', detail: 'ok', ms: 1 };
    return matches
      ? { outcome: 'success', detail: 'answered by api-1', ms: 1, answeredBy: 'api-1' }
      : { outcome: 'refused', detail: 'connection refused', ms: 1 };
  };
  const fault = await runSteps({ lab, manifests: loaded.manifests }, loaded.scenario.fault);
  fs.mkdirSync(path.dirname(sessionFile(LAB)), { recursive: true });
  const session: Session = {
    scenario: loaded.scenario.id,
    scenarioDir: loaded.dir,
    lab: LAB,
    backend: 'netns',
    seed: 1,
    startedAt: new Date(Date.now() - 90_000).toISOString(),
    hintsUsed: 0,
    journal: fault.map((entry) => ({ ...entry, phase: 'fault', state: 'done' })),
    checks: [],
    status: 'running',
    ...changes,
  };
  writeSession(session);
  return { lab, context: { lab: lab as unknown as AttachedLab, session, loaded }, session: () => readSession(LAB)! };
}
