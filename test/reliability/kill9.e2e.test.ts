// Crash recovery: `kill -9` of the CLI at every step of `start`, in the middle of
// a journaled change, during `apply` and during `stop`, and of the lab's holder or
// supervisor (whose threads are the pods) at several points of start and apply.
// After each, `doctor` lists the leftovers without removing them, `clean` removes
// them and says what it removed, and nothing of the lab is left: no process in
// the lab's user namespace (so no namespace, mount, veth or rule either: the
// kernel frees them with the last process), nothing in the host's /run/netns or
// /etc/netns, no file under the state folder, no host interface.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { hostNamespacesOf, hostNetworkState } from '../helpers/host-state.js';
import { killPid, killPidFrom } from '../helpers/kill-pid.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate(['pgrep']);
import { DEFAULT_TOPOLOGY } from '../../src/lab/netns/backend.js';
import { writeJoiner } from '../../src/lab/netns/enter-lab.js';
import { holderArgv } from '../../src/lab/netns/holder.js';
import { loadTopology } from '../../src/lab/netns/topology.js';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-rel-k9-'));
// This file's lab, as netbreak's own modules name its files (holderArgv, writeJoiner).
process.env.NETBREAK_STATE_DIR = stateDir;
// Sessions these crashes finish go to a throw-away history, never the user's own.
const env = { NETBREAK_STATE_DIR: stateDir, NETBREAK_DATA_DIR: path.join(stateDir, 'data') };
const LAB = 'rel-k9';
const SCENARIO = 'friday-merge';
const labDir = path.join(stateDir, 'labs', LAB);
const cli = (...args: string[]) => netbreak([...args, '--lab', LAB], env);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The user namespaces this file's labs ran in (`user:[inode]`), noted while they ran: whatever is still in one is the lab's. */
const labUserNamespaces = new Set<string>();

const ownUserNamespace = fs.readlinkSync('/proc/self/ns/user');

/** Notes the user namespace of the lab's holder, once it has one (right after its start it is still the machine's). */
function noteLabNamespace(): void {
  try {
    const pid = fs.readFileSync(path.join(labDir, 'holder.pid'), 'utf8').trim();
    const ns = fs.readlinkSync(`/proc/${pid}/ns/user`);
    // The file outlives its holder, and the pid may already be another process's (pids wrap fast on a busy machine).
    const ours = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(path.join(labDir, 'lab.json'));
    if (ours && ns !== ownUserNamespace) labUserNamespaces.add(ns);
  } catch {
    // no holder (yet, or any more)
  }
}

/**
 * Processes of the lab, found independently of netbreak's cleanup: by their
 * arguments, and by the lab's user namespace (for its processes and for any
 * descriptor that pins one of its namespaces). The kernel hands a freed
 * namespace's number to the next new one, so a number noted for this file's
 * lab may name another test file's running lab: a namespace whose supervisor
 * belongs to another lab is not this lab's.
 */
function labProcesses(): string[] {
  const processes: { pid: string; argv: string[]; ns: string }[] = [];
  for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) continue;
      processes.push({ pid, argv: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'), ns: fs.readlinkSync(`/proc/${pid}/ns/user`) });
    } catch {
      // ended while we looked
    }
  }
  const runsSupervisor = (argv: string[]) => argv.some((a) => a.endsWith('supervisor-main.js'));
  const supervisedLab = (argv: string[]) => argv[argv.findIndex((a) => a.endsWith('supervisor-main.js')) + 1];
  const othersLabs = new Set(processes.filter((p) => runsSupervisor(p.argv) && supervisedLab(p.argv) !== LAB).map((p) => p.ns));
  return processes
    .filter(
      (p) =>
        (labUserNamespaces.has(p.ns) && !othersLabs.has(p.ns)) ||
        p.argv.some((a) => a.startsWith(`${labDir}/`)) ||
        (runsSupervisor(p.argv) && supervisedLab(p.argv) === LAB),
    )
    .map((p) => `${p.pid} ${p.argv.join(' ').slice(0, 120)}`);
}

const hostLinks = async () =>
  (await execa('ip', ['-o', 'link'])).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .sort();
let linksBefore: (string | undefined)[];

async function leftovers() {
  return {
    namespaces: await hostNamespacesOf(LAB),
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
    noteLabNamespace();
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

/** The lab's processes that live as long as the lab: its holder (unshare) and its supervisor. */
const lasting = (processes: string[]) => processes.filter((p) => /^\d+ (\S*\/)?(unshare|node) /.test(p));

/** doctor lists the crashed lab and removes nothing; clean removes it and says what; nothing is left. */
async function doctorThenClean(expected: { running?: boolean } = {}): Promise<string[]> {
  const before = await leftovers();
  expect(before, 'the crash left nothing for clean to do').not.toEqual(NOTHING);
  const doctor = await netbreak(['doctor', '--json'], env);
  expect(doctor.json().labs).toContainEqual(expect.objectContaining({ lab: LAB, ...expected }));
  const afterDoctor = await leftovers();
  expect(afterDoctor.stateFiles.length, 'doctor removed the state folder').toBeGreaterThan(0);
  // The holder and the supervisor, that is: a lab killed mid-start still runs its short `ip` and `iptables` commands, which end by themselves.
  expect(lasting(afterDoctor.processes), 'doctor ended processes of the lab').toEqual(lasting(before.processes));
  const clean = await netbreak(['clean', '--json'], env);
  expect(clean.code, clean.stderr).toBe(0);
  const report = clean.json().removed.find((r: { lab: string }) => r.lab === LAB);
  expect(report, 'clean did not report the lab').toBeDefined();
  expect(report.removed).toContain(labDir);
  // A lab whose holder still ran is ended with it; one whose holder died is already gone, its folder aside.
  if (afterDoctor.processes.length === 0) expect(report.removed).toEqual([labDir]);
  expect(await leftovers()).toEqual(NOTHING);
  return report.removed;
}

/** Starts the scenario to the end; returns the namespace its seed chose for the app. */
async function startFully(): Promise<string> {
  const start = await cli('start', SCENARIO, '--json');
  expect(start.code, start.stderr).toBe(0);
  noteLabNamespace();
  return start.json().params.namespace;
}

// About 60 s on an idle two-core machine; the timeouts leave room for a busy one.
describe.skipIf(labTests.skip)(labTests.title('kill -9 at any point, then clean'), { timeout: 90_000 }, () => {
  guardHost(LAB);
  // Whatever a failed test left (this file's own lab only), so that one failure does not fail the next test too.
  const removeOwnLab = async () => {
    if (fs.existsSync(labDir) || labProcesses().length) await netbreak(['lab', 'down', '--name', LAB], env);
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
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(session().status).toBe('running');
    expect((await cli('stop')).code).toBe(0);
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('kill -9 of start at every step: clean removes every trace', { timeout: 240_000 }, async () => {
    expect(steps.length).toBeGreaterThan(0);
    for (let k = 0; k < steps.length; k++) {
      // Steps print when they end, so "k lines shown" is the very start of step k. Step 0: once the first namespace exists.
      const at =
        k === 0 ? () => fs.existsSync(path.join(labDir, 'holder.pid')) : (stderr: string) => stderr.split('\n').filter((l) => l.startsWith(' ✓')).length >= k;
      await killWhen(['start', SCENARIO], at);
      // The session is written as soon as the lab's folder exists, before the first namespace.
      expect(session()?.status, `killed at "${steps[k]}"`).toBe('starting');
      expectSaneJournal();
      await doctorThenClean();
    }
  });

  it('kill -9 with a fault change half made: the intent is on disk, reset builds the scenario again', async () => {
    await killWhen(
      ['start', SCENARIO],
      () => session()?.journal.some((e: { phase: string; state: string }) => e.phase === 'fault' && e.state === 'intent') ?? false,
    );
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
    await killWhen(
      ['start', SCENARIO],
      () => session()?.journal.some((e: { phase: string; state: string }) => e.phase === 'setup' && e.state === 'intent') ?? false,
    );
    expectSaneJournal();
    const stop = await cli('stop', '--json');
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.json().removed).toContain(labDir);
    expect(stop.json().session.scenario).toBe(SCENARIO);
    expect(await leftovers()).toEqual(NOTHING);
  });

  it('kill -9 of the supervisor ends every pod with it; doctor says the lab is left over from a crash, clean removes it', async () => {
    await startFully();
    killPidFrom(path.join(labDir, 'supervisor.pid'));
    await sleep(50);
    expect((await cli('check')).code).toBe(4);
    // The pods were threads of the supervisor, the first process of the lab's pid namespace: nothing of the lab runs any more.
    expect(labProcesses()).toEqual([]);
    const removed = await doctorThenClean({ running: false });
    expect(removed).toEqual([labDir]);
  });

  it('kill -9 during apply: the file landed whole or not at all, the lab keeps working, clean removes all', async () => {
    await startFully();
    const before = (await cli('check', '--json')).json().items.map((i: { pass: boolean }) => i.pass);
    const manifest = path.join(stateDir, 'extra.yaml');
    fs.writeFileSync(
      manifest,
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: extra}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web, namespace: extra}',
        'spec:',
        '  replicas: 2',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}]}',
        '',
      ].join('\n'),
    );
    // Killed while it waits for the new pods: the supervisor already holds the objects.
    const podsOfExtra = () =>
      (
        JSON.parse(fs.readFileSync(path.join(labDir, 'store.json'), 'utf8')) as { objects: { kind: string; metadata: { namespace?: string } }[] }
      ).objects.filter((o) => o.kind === 'Pod' && o.metadata.namespace === 'extra').length;
    await killWhen(['apply', '-f', manifest], () => podsOfExtra() > 0);
    expect(session().status).toBe('running');
    const deploy = await cli('get', 'deploy', 'web', '-n', 'extra', '-o', 'json');
    expect(deploy.code).toBe(0);
    expect(deploy.json().spec.replicas).toBe(2);
    expect((await cli('check', '--json')).json().items.map((i: { pass: boolean }) => i.pass)).toEqual(before);
    await doctorThenClean();
  });

  it('a holder whose pid was never written (its CLI died right after spawning it) is still found and ended by clean', async () => {
    // What `lab up` has made by the time it spawns the holder: the state folder, the lab file and the joiner.
    fs.mkdirSync(path.join(labDir, 'pods'), { recursive: true });
    fs.writeFileSync(path.join(labDir, 'lab.json'), JSON.stringify({ name: LAB, backend: 'netns', topology: loadTopology(DEFAULT_TOPOLOGY) }));
    writeJoiner(LAB);
    const [cmd, ...args] = holderArgv(path.join(ROOT, 'dist/lab/netns/supervisor-main.js'), LAB);
    const holder = execa(cmd!, args, { env: { ...env }, detached: true, reject: false });
    fs.writeFileSync(path.join(labDir, 'holder.pid'), String(holder.pid));
    noteLabNamespace();
    const pidFile = path.join(labDir, 'supervisor.pid');
    const until = Date.now() + 10_000;
    while (!fs.existsSync(pidFile)) {
      expect(Date.now(), 'the supervisor did not start').toBeLessThan(until);
      await sleep(20);
    }
    fs.rmSync(pidFile);
    fs.rmSync(path.join(labDir, 'holder.pid'));
    const removed = await doctorThenClean();
    expect(removed).toContain(`lab holder process ${holder.pid} (and with it every process, namespace and link of the lab)`);
    expect((await holder).signal).toBe('SIGKILL');
  });

  // The lab's holder killed at points of start and apply: the kernel ends the lab with it, the CLI says so.
  const holderKillPoints: { name: string; args: () => string[]; when: () => boolean }[] = [
    {
      name: 'while its supervisor makes the nodes',
      args: () => ['start', SCENARIO],
      when: () => fs.existsSync(path.join(labDir, 'holder.pid')) && !fs.existsSync(path.join(labDir, 'supervisor.sock')),
    },
    { name: 'while kube-system starts', args: () => ['start', SCENARIO], when: () => fs.existsSync(path.join(labDir, 'supervisor.sock')) },
    {
      name: 'while the fault is applied',
      args: () => ['start', SCENARIO],
      when: () => session()?.journal.some((e: { phase: string }) => e.phase === 'fault') ?? false,
    },
  ];
  for (const point of holderKillPoints) {
    it(`kill -9 of the holder ${point.name}: nothing of the lab is left, the host is as it was`, async () => {
      const host = await hostNetworkState(LAB);
      const child = execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), ...point.args(), '--lab', LAB], {
        reject: false,
        env: { ...env, NO_COLOR: '1' },
      });
      let killed = false;
      while (!killed && child.exitCode === null) {
        noteLabNamespace();
        if (point.when()) {
          killPidFrom(path.join(labDir, 'holder.pid'));
          killed = true;
        }
        await sleep(2);
      }
      const result = await child;
      expect(killed, `${point.name}: start ended first (exit ${result.exitCode}): ${result.stderr}`).toBe(true);
      expect(result.exitCode).not.toBe(0);
      const until = Date.now() + 5000;
      while (labProcesses().length && Date.now() < until) await sleep(20);
      expect(labProcesses()).toEqual([]);
      expect(await hostNetworkState(LAB)).toEqual(host);
      await netbreak(['clean'], env);
      expect(await leftovers()).toEqual(NOTHING);
    });
  }

  it('kill -9 of the holder during apply: the lab is gone, apply fails, clean leaves nothing', async () => {
    await startFully();
    const manifest = path.join(stateDir, 'more.yaml');
    fs.writeFileSync(
      manifest,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: more}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: more}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: agnhost, args: [netexec]}]}\n',
    );
    const holder = Number(fs.readFileSync(path.join(labDir, 'holder.pid'), 'utf8'));
    const apply = execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), 'apply', '-f', manifest, '--lab', LAB], {
      reject: false,
      env: { ...env, NO_COLOR: '1' },
    });
    await sleep(150);
    killPid(holder);
    const result = await apply;
    const until = Date.now() + 5000;
    while (labProcesses().length && Date.now() < until) await sleep(20);
    expect(labProcesses()).toEqual([]);
    expect(result.exitCode === 0 || /not running|supervisor|lab/.test(result.stderr), result.stderr).toBe(true);
    const removed = await doctorThenClean({ running: false });
    expect(removed).toEqual([labDir]);
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
