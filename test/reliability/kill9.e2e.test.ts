// Crash recovery: `kill -9` of the CLI at every step of `start`, in the middle of
// a journaled change, during `apply` and during `stop`, and of the supervisor
// (whose threads are the pods). After each, `doctor` lists the leftovers without
// removing them, `clean` removes them and says what it removed, and nothing of
// the lab is left: no network namespace, no process, no /etc/netns folder, no
// file under the state folder, no host interface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { labNamespaces } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate(['pgrep']);
import { DEFAULT_TOPOLOGY } from '../../src/lab/netns/backend.js';
import { createFabric } from '../../src/lab/netns/fabric.js';
import { loadTopology } from '../../src/lab/netns/topology.js';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-rel-k9-'));
// Sessions these crashes finish go to a throw-away history, never the user's own.
const env = { NETBREAK_STATE_DIR: stateDir, NETBREAK_DATA_DIR: path.join(stateDir, 'data') };
const LAB = 'rel-k9';
const SCENARIO = 'friday-merge';
const labDir = path.join(stateDir, 'labs', LAB);
const cli = (...args: string[]) => netbreak([...args, '--lab', LAB], env);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes of the lab, found independently of netbreak's cleanup: by their arguments. */
function labProcesses(): string[] {
  const netns = new RegExp(`^nb-${LAB}-(fabric|node-|pod-)`);
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const supervisor = argv.findIndex((a) => a.endsWith('supervisor-main.js'));
      if (argv.some((a) => a.startsWith(`${labDir}/`) || netns.test(a)) || (supervisor >= 0 && argv[supervisor + 1] === LAB)) found.push(`${pid} ${argv.join(' ').slice(0, 120)}`);
    } catch {
      // ended while we looked
    }
  }
  return found;
}

const hostLinks = async () => (await execa('ip', ['-o', 'link'])).stdout.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0]).sort();
let linksBefore: (string | undefined)[];

async function leftovers() {
  return {
    namespaces: await labNamespaces(LAB),
    processes: labProcesses(),
    etcNetns: fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns').filter((n) => n.startsWith(`nb-${LAB}-`)) : [],
    stateFiles: fs.existsSync(labDir) ? fs.readdirSync(labDir, { recursive: true }) : [],
    newHostLinks: (await hostLinks()).filter((l) => !linksBefore.includes(l)),
  };
}
const NOTHING = { namespaces: [], processes: [], etcNetns: [], stateFiles: [], newHostLinks: [] };

/** Runs the CLI and SIGKILLs it as soon as `when` holds (checked on each stderr write and every few ms). */
async function killWhen(args: string[], when: (stderr: string) => boolean): Promise<{ stderr: string; killed: boolean }> {
  const child = execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), ...args, '--lab', LAB], { reject: false, env: { ...env, NO_COLOR: '1' } });
  let stderr = '';
  let killed = false;
  const tryKill = () => {
    try {
      if (!killed && child.exitCode === null && when(stderr)) killed = child.kill('SIGKILL');
    } catch {
      // the condition looked at something half made: look again on the next tick
    }
  };
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    tryKill();
  });
  const timer = setInterval(tryKill, 2);
  const result = await child;
  clearInterval(timer);
  expect(killed, `${args.join(' ')} ended before the kill point (exit ${result.exitCode}): ${stderr}`).toBe(true);
  expect(result.signal).toBe('SIGKILL');
  return { stderr, killed };
}

function session(): any {
  const file = path.join(labDir, 'session.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

/** A session left by a crash must still be whole, and its journal must be done entries followed by at most one intent. */
function expectSaneJournal(): void {
  const s = session();
  if (!s) return;
  const states: string[] = s.journal.map((e: { state: string }) => e.state);
  expect(states.every((st) => st === 'done' || st === 'intent')).toBe(true);
  expect(states.slice(0, -1)).not.toContain('intent');
}

/** doctor lists the crashed lab and removes nothing; clean removes it and says what; nothing is left. */
async function doctorThenClean(expected: { running?: boolean } = {}): Promise<string[]> {
  const before = await leftovers();
  expect(before, 'the crash left nothing for clean to do').not.toEqual(NOTHING);
  const doctor = await netbreak(['doctor', '--json'], env);
  expect(doctor.json().labs).toContainEqual(expect.objectContaining({ lab: LAB, ...expected }));
  // Pod namespaces come and go while a supervisor lives; the fabric's and the nodes' stay until clean.
  const machines = (l: { namespaces: string[] }) => l.namespaces.filter((n) => !n.includes('-pod-'));
  const afterDoctor = await leftovers();
  expect(afterDoctor.stateFiles.length, 'doctor removed the state folder').toBeGreaterThan(0);
  expect(machines(afterDoctor), 'doctor removed namespaces').toEqual(machines(before));
  const clean = await netbreak(['clean', '--json'], env);
  expect(clean.code, clean.stderr).toBe(0);
  const report = clean.json().removed.find((r: { lab: string }) => r.lab === LAB);
  expect(report, 'clean did not report the lab').toBeDefined();
  expect(report.removed).toContain(labDir);
  for (const ns of machines(afterDoctor)) expect(report.removed).toContain(`network namespace ${ns}`);
  expect(await leftovers()).toEqual(NOTHING);
  return report.removed;
}

/** Starts the scenario to the end; returns the namespace its seed chose for the app. */
async function startFully(): Promise<string> {
  const start = await cli('start', SCENARIO, '--json');
  expect(start.code, start.stderr).toBe(0);
  return start.json().params.namespace;
}

// About 60 s on an idle two-core machine; the timeouts leave room for a busy one.
describe.skipIf(labTests.skip)(labTests.title('kill -9 at any point, then clean'), { timeout: 90_000 }, () => {
  guardHost(LAB);
  // Whatever a failed test left (this file's own lab only), so that one failure does not fail the next test too.
  const removeOwnLab = async () => {
    if (fs.existsSync(labDir) || (await labNamespaces(LAB)).length) await netbreak(['lab', 'down', '--name', LAB], env);
  };
  beforeAll(async () => {
    linksBefore = await hostLinks();
  });
  beforeEach(removeOwnLab);
  afterAll(async () => {
    await removeOwnLab();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  let steps: string[] = [];

  it('a full start shows its steps (the kill points below) and stops clean', async () => {
    const start = await cli('start', SCENARIO);
    expect(start.code, start.stderr).toBe(0);
    steps = [...start.stderr.matchAll(/^ ✓ (.+) \(\d+\.\ds\)$/gm)].map((m) => m[1]!);
    expect(steps.length).toBeGreaterThanOrEqual(6);
    expect(session().status).toBe('running');
    expect((await cli('stop')).code).toBe(0);
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('kill -9 of start at every step: clean removes every trace', { timeout: 240_000 }, async () => {
    expect(steps.length).toBeGreaterThan(0);
    for (let k = 0; k < steps.length; k++) {
      // Steps print when they end, so "k lines shown" is the very start of step k. Step 0: once the first namespace exists.
      const at = k === 0 ? () => fs.existsSync(`/run/netns/nb-${LAB}-fabric`) : (stderr: string) => stderr.split('\n').filter((l) => l.startsWith(' ✓')).length >= k;
      await killWhen(['start', SCENARIO], at);
      // The session is written as soon as the lab's folder exists, before the first namespace.
      expect(session()?.status, `killed at "${steps[k]}"`).toBe('starting');
      expectSaneJournal();
      await doctorThenClean();
    }
  });

  it('kill -9 with a fault change half made: the intent is on disk, reset builds the scenario again', async () => {
    await killWhen(['start', SCENARIO], () => session()?.journal.some((e: { phase: string; state: string }) => e.phase === 'fault' && e.state === 'intent') ?? false);
    const crashed = session();
    expect(crashed.status).toBe('starting');
    expect(crashed.journal.at(-1)).toMatchObject({ phase: 'fault', state: 'intent', step: { apply: 'manifests/default-deny.yaml' } });
    const reset = await cli('reset', '--json');
    expect(reset.code, reset.stderr).toBe(0);
    const rebuilt = session();
    expect(rebuilt.status).toBe('running');
    expect(rebuilt.journal.map((e: { phase: string; state: string }) => `${e.phase}:${e.state}`)).toEqual(['setup:done', 'fault:done']);
    const check = await cli('check', '--json');
    expect(check.code).toBe(1);
    expect(check.json().items.find((i: { kind: string }) => i.kind === 'verify').detail).toMatch(/^timeout/);
    expect((await cli('stop')).code).toBe(0);
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('kill -9 with a setup change half made: stop removes the lab and reports the session', async () => {
    await killWhen(['start', SCENARIO], () => session()?.journal.some((e: { phase: string; state: string }) => e.phase === 'setup' && e.state === 'intent') ?? false);
    expectSaneJournal();
    const stop = await cli('stop', '--json');
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.json().removed).toContain(labDir);
    expect(stop.json().session.scenario).toBe(SCENARIO);
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('kill -9 of the supervisor ends every pod with it; doctor says the lab is left over from a crash, clean removes it', async () => {
    await startFully();
    process.kill(Number(fs.readFileSync(path.join(labDir, 'supervisor.pid'), 'utf8')), 'SIGKILL');
    await sleep(50);
    expect((await cli('check')).code).toBe(4);
    // The pods were threads of the supervisor: nothing of the lab runs any more, only its namespaces and files are left.
    expect(labProcesses()).toEqual([]);
    for (const ns of await labNamespaces(LAB)) expect((await execa('ip', ['netns', 'pids', ns])).stdout, ns).toBe('');
    const removed = await doctorThenClean({ running: false });
    expect(removed.some((r) => r.startsWith(`network namespace nb-${LAB}-pod-`))).toBe(true);
  });

  it('kill -9 during apply: the file landed whole or not at all, the lab keeps working, clean removes all', async () => {
    await startFully();
    const before = (await cli('check', '--json')).json().items.map((i: { pass: boolean }) => i.pass);
    const manifest = path.join(stateDir, 'extra.yaml');
    fs.writeFileSync(
      manifest,
      ['apiVersion: v1', 'kind: Namespace', 'metadata: {name: extra}', '---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: extra}', 'spec:', '  replicas: 2',
        '  selector: {matchLabels: {app: web}}', '  template:', '    metadata: {labels: {app: web}}', '    spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}]}', ''].join('\n'),
    );
    // Killed while it waits for the new pods: the supervisor already holds the objects.
    await killWhen(['apply', '-f', manifest], () => fs.readdirSync('/run/netns').some((n) => n.startsWith(`nb-${LAB}-pod-extra-`)));
    expect(session().status).toBe('running');
    const deploy = await cli('get', 'deploy', 'web', '-n', 'extra', '-o', 'json');
    expect(deploy.code).toBe(0);
    expect(deploy.json().spec.replicas).toBe(2);
    expect((await cli('check', '--json')).json().items.map((i: { pass: boolean }) => i.pass)).toEqual(before);
    await doctorThenClean();
  });

  it('a supervisor that never wrote its pid file (its CLI died right after spawning it) is still found and ended by clean', async () => {
    // What `lab up` has made by the time it spawns the supervisor: the state folder, the lab file and the
    // fabric namespace, in which the supervisor runs (it serves the node network's DNS there).
    fs.mkdirSync(path.join(labDir, 'pods'), { recursive: true });
    const labFile = path.join(labDir, 'lab.json');
    const topology = loadTopology(DEFAULT_TOPOLOGY);
    fs.writeFileSync(labFile, JSON.stringify({ name: LAB, backend: 'netns', topology }));
    await createFabric(LAB, topology);
    const supervisor = execa('nsenter', [`--net=/run/netns/nb-${LAB}-fabric`, process.execPath, path.join(ROOT, 'dist/lab/netns/supervisor-main.js'), LAB, labFile], {
      env: { ...env },
      detached: true,
      reject: false,
    });
    const pidFile = path.join(labDir, 'supervisor.pid');
    const until = Date.now() + 10_000;
    while (!fs.existsSync(pidFile)) {
      expect(Date.now(), 'the supervisor did not start').toBeLessThan(until);
      await sleep(20);
    }
    fs.rmSync(pidFile);
    const removed = await doctorThenClean();
    expect(removed).toContain(`supervisor process ${supervisor.pid}`);
    const ended = await supervisor; // clean ends it as it ends any supervisor: SIGTERM, then SIGKILL if it lingers
    expect(ended.exitCode === 0 || ended.signal !== undefined).toBe(true);
  });

  it('kill -9 during stop: doctor lists what stop did not get to, clean finishes it', async () => {
    await startFully();
    const supervisor = Number(fs.readFileSync(path.join(labDir, 'supervisor.pid'), 'utf8'));
    // stop ends the supervisor first, then sweeps processes and namespaces: kill it in between.
    await killWhen(['stop'], () => {
      try {
        return fs.readFileSync(`/proc/${supervisor}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
      } catch {
        return true;
      }
    });
    await doctorThenClean();
  });
});
