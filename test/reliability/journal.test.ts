// The session journal is written before each change and completed after it, so
// a process that dies in the middle leaves an intent on disk; and the session
// lock holds under many processes at once, including a stale lock left by a
// killed one. No root needed: a FakeLab and plain files.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interruptedChange, readSession, sessionFile, sessionRecorder, writeSession, type Session } from '../../src/engine/session.js';
import { runSteps } from '../../src/engine/start-scenario.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import type { Step } from '../../src/scenario/schema.js';
import { ROOT } from '../helpers/cli.js';
import { deployment, FakeLab, namespace, networkPolicy, service } from '../helpers/fake-lab.js';

const LAB = 'rel-journal';
let stateDir: string;
let savedEnv: string | undefined;

function session(): Session {
  return {
    scenario: 's',
    scenarioDir: '/s',
    lab: LAB,
    backend: 'netns',
    seed: 1,
    startedAt: new Date(0).toISOString(),
    hintsUsed: 0,
    journal: [],
    checks: [],
    status: 'starting',
  };
}

beforeEach(() => {
  savedEnv = process.env.NETBREAK_STATE_DIR;
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-rel-journal-'));
  process.env.NETBREAK_STATE_DIR = stateDir;
  fs.mkdirSync(path.dirname(sessionFile(LAB)), { recursive: true });
  writeSession(session());
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.NETBREAK_STATE_DIR;
  else process.env.NETBREAK_STATE_DIR = savedEnv;
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const STEPS: Step[] = [
  { apply: 'manifests/deny.yaml' },
  { patch: { object: 'Service/shop/api', merge: { spec: { selector: { app: 'nobody' } } } } },
  { scale: { object: 'Deployment/kube-system/coredns', replicas: 0 } },
  { nodeExec: { node: 'worker', run: ['ip', 'route', 'del', '10.244.2.0/24'], undo: ['ip', 'route', 'add', '10.244.2.0/24', 'via', '172.18.0.4'] } },
];

/** A FakeLab that, at every change it is asked to make, records what the journal on disk said at that moment. */
function watchedLab() {
  const lab = new FakeLab([namespace('shop'), namespace('kube-system'), deployment('kube-system', 'coredns', 2), service('shop', 'api')]);
  const seen: { op: string; last: unknown }[] = [];
  const look = (op: string) => seen.push({ op, last: structuredClone(readSession(LAB)!.journal.at(-1)) });
  for (const op of ['apply', 'patch', 'scale', 'delete', 'restart'] as const) {
    const original = (lab[op] as (...a: unknown[]) => Promise<unknown>).bind(lab);
    (lab as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
      look(op);
      return original(...args);
    };
  }
  lab.nodeExecHandler = () => {
    look('nodeExec');
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  const manifests = new Map<string, KubeObject[]>([['manifests/deny.yaml', [networkPolicy('shop', 'deny')]]]);
  return { lab, seen, ctx: { lab, manifests } };
}

describe('journal before change', () => {
  it('every change finds its own intent on disk before it is made, and a done entry with its undo after', async () => {
    const { seen, ctx } = watchedLab();
    await runSteps(ctx, STEPS, sessionRecorder(LAB, 'fault'));
    // One change per step, each seeing the intent of exactly its step as the newest journal entry.
    expect(seen.map((s) => s.op)).toEqual(['apply', 'patch', 'scale', 'nodeExec']);
    seen.forEach((s, i) => expect(s.last, s.op).toMatchObject({ step: STEPS[i], phase: 'fault', state: 'intent' }));
    const journal = readSession(LAB)!.journal;
    expect(journal.map((e) => e.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(journal.map((e) => e.step)).toEqual(STEPS);
    expect(journal.every((e) => 'undo' in e && e.undo !== undefined)).toBe(true);
    expect(interruptedChange(readSession(LAB)!)).toBeUndefined();
  });

  it('a change that dies half way leaves its intent, and nothing after it runs', async () => {
    const { lab, ctx } = watchedLab();
    lab.nodeExecHandler = () => {
      throw new Error('killed');
    };
    await expect(runSteps(ctx, [STEPS[0]!, STEPS[3]!, STEPS[1]!], sessionRecorder(LAB, 'fault'))).rejects.toThrow('killed');
    const after = readSession(LAB)!;
    expect(after.journal.map((e) => [Object.keys(e.step)[0], e.state])).toEqual([
      ['apply', 'done'],
      ['nodeExec', 'intent'],
    ]);
    expect(interruptedChange(after)).toMatchObject({ step: STEPS[3], phase: 'fault', state: 'intent' });
    expect(lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })!.spec).toMatchObject({ selector: { app: 'api' } });
  });

  it('bad parameters are refused before an intent is written', async () => {
    const { ctx } = watchedLab();
    await expect(runSteps(ctx, [{ scale: { object: 'Deployment/kube-system/coredns', replicas: -1 } }], sessionRecorder(LAB, 'fault'))).rejects.toThrow();
    expect(readSession(LAB)!.journal).toEqual([]);
  });
});

// A child process that adds `count` to hintsUsed, one locked update at a time,
// through the built code (`npm test` builds first), as separate CLI invocations do.
const SESSION_JS = path.join(ROOT, 'dist/engine/session.js');
const WORKER = `
const { updateSession } = await import(${JSON.stringify(pathToFileURL(SESSION_JS).href)});
for (let i = 0; i < Number(process.argv[1]); i++) await updateSession(${JSON.stringify(LAB)}, (s) => { s.hintsUsed += 1; });
`;

function worker(count: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER, String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('session lock under many processes', () => {
  it.skipIf(!fs.existsSync(SESSION_JS))(
    '12 processes × 25 updates, from a stale lock left by a killed process: every update lands, nobody crashes',
    async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      fs.writeFileSync(`${sessionFile(LAB)}.lock`, String(dead));
      const results = await Promise.all(Array.from({ length: 12 }, () => worker(25)));
      for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
      expect(readSession(LAB)!.hintsUsed).toBe(300);
      // Nothing left behind: no lock, no temporary lock files.
      expect(fs.readdirSync(path.dirname(sessionFile(LAB)))).toEqual(['session.json']);
    },
    30_000,
  );
});
