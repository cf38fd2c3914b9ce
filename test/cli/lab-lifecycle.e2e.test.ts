// The lab's life cycle from the user's side: refusals that must leave nothing
// behind, and the machine checks that come before any namespace is made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { hostNetworkState, labNamespaces, labProcessesRunning } from '../helpers/host-state.js';
import { killPid } from '../helpers/kill-pid.js';
import { labGate } from '../helpers/lab-gate.js';
import { asOrdinaryUser, cliForOrdinaryUsers, isRoot, ORDINARY_USER } from '../helpers/root.js';

const labTests = labGate(['setpriv']);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-life-'));
fs.chmodSync(stateDir, 0o777);
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-life';

function labsLeft(): string[] {
  const dir = path.join(stateDir, 'labs');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe.skipIf(labTests.skip)(labTests.title('lab life cycle'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    await netbreak(['clean'], env);
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('refuses a scenario whose fault does not show, and removes the half-built lab', async () => {
    const r = await netbreak(['start', 'fault-does-not-show', '--lab', LAB], { ...env, NETBREAK_SCENARIOS: path.join(ROOT, 'test/fixtures/broken-scenarios') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the fault did not show: shop\/frontend → http:\/\/api\.shop\.svc\.cluster\.local:8080\/ gave success/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await labNamespaces(LAB, stateDir)).toEqual([]);
    expect(labsLeft()).toEqual([]);
  });

  it('refuses a second start while a lab runs, and leaves the first one alone', async () => {
    // Seed 0: the reference variant (namespace shop) the commands below name.
    expect((await netbreak(['start', 'afternoon-deploy', '--lab', LAB, '--seed', '0'], env)).code).toBe(0);
    const namespaces = await labNamespaces(LAB, stateDir);
    const second = await netbreak(['start', 'friday-merge', '--lab', LAB], env);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/a lab is already running: finish it with "netbreak stop" first/);
    expect(await labNamespaces(LAB, stateDir)).toEqual(namespaces);
    expect((await netbreak(['status', '--json'], env)).json().scenario).toBe('afternoon-deploy');
  });

  it("reset undoes the learner's changes and keeps the clock and hints", async () => {
    expect((await netbreak(['hint'], env)).code).toBe(0);
    expect((await netbreak(['delete', 'svc/api', '-n', 'shop'], env)).code).toBe(0);
    const startedAt = (await netbreak(['status', '--json'], env)).json();
    const reset = await netbreak(['reset', '--json'], env);
    expect(reset.code).toBe(0);
    expect(reset.json().resets).toBe(1);
    const status = (await netbreak(['status', '--json'], env)).json();
    expect(status.hintsUsed).toBe(1);
    expect(status.elapsedMs).toBeGreaterThanOrEqual(startedAt.elapsedMs);
    const svc = await netbreak(['get', 'svc', 'api', '-n', 'shop', '-o', 'json'], env);
    expect(svc.json().spec.selector).toEqual({ app: 'api-v2' });
    const check = await netbreak(['check', '--json'], env);
    expect(check.code).toBe(1);
    expect(check.json().items.find((i: { kind: string }) => i.kind === 'verify').detail).toMatch(/^refused/);
  });

  it('clean after a crash (supervisor and CLI killed) removes every leftover and reports it', async () => {
    const pid = Number(fs.readFileSync(path.join(stateDir, `labs/${LAB}/supervisor.pid`), 'utf8'));
    killPid(pid);
    const dead = await netbreak(['check'], env);
    expect(dead.code).toBe(4);
    expect(dead.stderr).toMatch(/netbreak clean/);
    const doctor = await netbreak(['doctor', '--json'], env);
    expect(doctor.json().labs).toContainEqual(expect.objectContaining({ lab: LAB, running: false }));
    const clean = await netbreak(['clean', '--json'], env);
    expect(clean.code).toBe(0);
    // The kernel freed the lab's namespaces when its supervisor died: the state folder is all that is left.
    const removed: string[] = clean.json().removed.find((r: { lab: string }) => r.lab === LAB).removed;
    expect(removed).toEqual([path.join(stateDir, 'labs', LAB)]);
    expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
    expect(await labNamespaces(LAB, stateDir)).toEqual([]);
    expect(labsLeft()).toEqual([]);
    expect((await netbreak(['clean'], env)).stdout).toMatch(/Nothing to clean/);
  });

  it('Ctrl-C during start removes the half-built lab and exits 130', async () => {
    const child = execa(process.execPath, [path.join(ROOT, 'bin/netbreak.js'), 'start', 'friday-merge', '--lab', LAB, '--seed', '0'], {
      reject: false,
      env: { ...env, NO_COLOR: '1' },
    });
    const until = Date.now() + 20_000;
    while ((await labNamespaces(LAB, stateDir)).filter((n) => n.includes('-pod-shop-')).length === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/interrupted; removing lab/);
    expect(await labNamespaces(LAB, stateDir)).toEqual([]);
    expect(labsLeft()).toEqual([]);
  });

  it('says exactly which binary and package are missing, before creating anything', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-path-'));
    for (const tool of ['ip', 'unshare', 'perl']) fs.symlinkSync(execaSync('sh', ['-c', `command -v ${tool}`]).stdout, path.join(bin, tool));
    const r = await netbreak(['lab', 'up', '--name', `${LAB}-x`], { ...env, PATH: bin });
    expect(r.code).toBe(3);
    // An ordinary user is told to use sudo for the package install; root is not.
    expect(r.stderr).toBe(
      `netbreak: the netns lab needs iptables, iptables-restore and iptables-save, which are not installed: run "${isRoot ? '' : 'sudo '}apt-get install -y iptables" (or "netbreak doctor --fix").`,
    );
    expect(await labNamespaces(LAB, stateDir)).toEqual([]);
    fs.rmSync(bin, { recursive: true, force: true });
  });

  it.skipIf(!isRoot)('an ordinary user starts a lab of their own, kept in files only they can read', { timeout: 60_000 }, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-life-user-'));
    fs.chownSync(home, ORDINARY_USER, ORDINARY_USER);
    const cliDir = cliForOrdinaryUsers(ROOT);
    const asUser = async (...args: string[]) => {
      const [cmd, ...rest] = asOrdinaryUser([process.execPath, path.join(cliDir.dir, 'bin/netbreak.js'), ...args]);
      return execa(cmd!, rest, { reject: false, env: { HOME: home, PATH: process.env.PATH, NO_COLOR: '1' } });
    };
    try {
      const up = await asUser('lab', 'up', '--name', 'user');
      expect(up.exitCode, up.stderr).toBe(0);
      const labDir = path.join(home, '.local/state/netbreak/labs/user');
      for (const dir of [path.join(home, '.local/state/netbreak'), path.join(home, '.local/state/netbreak/labs'), labDir]) {
        expect((fs.statSync(dir).mode & 0o777).toString(8), dir).toBe('700');
      }
      for (const file of ['lab.json', 'store.json', 'supervisor.sock', 'holder.pid']) {
        const stat = fs.statSync(path.join(labDir, file));
        expect([stat.uid, (stat.mode & 0o777).toString(8)], file).toEqual([ORDINARY_USER, '600']);
      }
      const inside = await asUser('exec', '--lab', 'user', 'node/worker', '--', 'sh', '-c', 'id -u; iptables-save -t nat | grep -c KUBE-SERVICES');
      expect(inside.exitCode, inside.stderr).toBe(0);
      expect(inside.stdout.split('\n')[0]).toBe(String(ORDINARY_USER));
      expect(Number(inside.stdout.split('\n')[1])).toBeGreaterThan(0);
      expect((await asUser('lab', 'down', '--name', 'user')).exitCode).toBe(0);
      expect(fs.existsSync(labDir)).toBe(false);
    } finally {
      await asUser('clean');
      fs.rmSync(home, { recursive: true, force: true });
      cliDir.remove();
    }
  });
});
