// Two ordinary users, each with a lab of the same name at the same time: each lab
// is its owner's alone. Neither user can list, enter, probe or stop the other's,
// through netbreak or around it (nsenter, the supervisor's socket, kill).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { labGate, rootGate } from '../helpers/lab-gate.js';
import { cliForOrdinaryUsers } from '../helpers/root.js';

const labTests = labGate(['setpriv', 'nsenter']);
const switching = rootGate();
const LAB = 'twin';

/** An ordinary user: nobody, and a uid with no account at all; each with a HOME of their own and no extra capability. */
const users = [65534, 40123].map((uid) => ({ uid, home: '' }));

/** The built CLI where every user can read it (the checkout may lie in a folder only root can enter). */
let runtime: { dir: string; remove(): void } = { dir: ROOT, remove: () => {} };

function asUser(user: { uid: number; home: string }, argv: string[], env: Record<string, string> = {}) {
  const id = String(user.uid);
  return execa('setpriv', [`--reuid=${id}`, `--regid=${id}`, '--clear-groups', ...argv], {
    reject: false,
    env: { PATH: process.env.PATH!, HOME: user.home, NO_COLOR: '1', NETBREAK_BACKEND: 'netns', ...env },
  });
}
const cli = (user: { uid: number; home: string }, args: string[], env: Record<string, string> = {}) =>
  asUser(user, [process.execPath, path.join(runtime.dir, 'bin/netbreak.js'), ...args], env);
const stateOf = (user: { home: string }) => path.join(user.home, '.local/state/netbreak');

describe.skipIf(labTests.skip || switching.skip)(labTests.title(switching.title('two users, two labs of the same name')), { timeout: 90_000 }, () => {
  guardHost(LAB);
  beforeAll(() => {
    runtime = cliForOrdinaryUsers(ROOT);
    for (const user of users) {
      user.home = fs.mkdtempSync(path.join(os.tmpdir(), `nb-user-${user.uid}-`));
      fs.chownSync(user.home, user.uid, user.uid);
    }
  });
  afterAll(async () => {
    for (const user of users) {
      await cli(user, ['clean']);
      fs.rmSync(user.home, { recursive: true, force: true });
    }
    runtime.remove();
  });

  it('both start a lab named "twin" at the same moment, each in namespaces of their own', async () => {
    const ups = await Promise.all(users.map((user) => cli(user, ['lab', 'up', '--name', LAB])));
    for (const up of ups) expect(up.exitCode, up.stderr).toBe(0);
    const inside = await Promise.all(
      users.map((user) => cli(user, ['exec', '--lab', LAB, 'node/worker', '--', 'sh', '-c', 'id -u; readlink /proc/self/ns/net'])),
    );
    for (const [i, r] of inside.entries()) expect(r.stdout.split('\n')[0], r.stderr).toBe(String(users[i]!.uid));
    expect(inside[0]!.stdout.split('\n')[1]).not.toBe(inside[1]!.stdout.split('\n')[1]);
  });

  it("neither can list, enter, probe or stop the other's lab", async () => {
    const [a, b] = users as [(typeof users)[0], (typeof users)[0]];
    const theirs = { NETBREAK_STATE_DIR: stateOf(a) };
    const holder = fs.readFileSync(path.join(stateOf(a), 'labs', LAB, 'holder.pid'), 'utf8').trim();

    // List: their labs folder is not readable; netbreak says so in one sentence.
    const list = await cli(b, ['lab', 'down', '--name', LAB], theirs);
    expect(list.exitCode).not.toBe(0);
    expect(list.stderr).not.toMatch(/\n\s+at /);
    expect((await asUser(b, ['ls', path.join(stateOf(a), 'labs')])).exitCode).not.toBe(0);
    expect((await cli(b, ['status', '--lab', LAB], theirs)).exitCode).not.toBe(0);

    // Enter: neither through netbreak's own joiner nor with nsenter.
    expect((await asUser(b, ['nsenter', '-t', holder, '-U', '-m', '--preserve-credentials', 'true'])).exitCode).not.toBe(0);
    const joiner = await asUser(b, ['perl', '-e', `open(my $f, '<', '/proc/${holder}/ns/user') or exit 7; exit 0`]);
    expect(joiner.exitCode).toBe(7);

    // Probe: the supervisor's socket is behind a folder only its owner can enter.
    const socket = path.join(stateOf(a), 'labs', LAB, 'supervisor.sock');
    const probe = await asUser(b, [
      process.execPath,
      '-e',
      `require('net').connect(${JSON.stringify(socket)}).on('error', (e) => { console.log(e.code); process.exit(3); }).on('connect', () => process.exit(0))`,
    ]);
    expect([probe.exitCode, probe.stdout.trim()]).toEqual([3, 'EACCES']);

    // Stop: neither by netbreak nor by signal.
    expect((await asUser(b, ['kill', '-9', holder])).exitCode).not.toBe(0);
    const stillThere = await cli(a, ['exec', '--lab', LAB, 'node/worker', '--', 'true']);
    expect(stillThere.exitCode, stillThere.stderr).toBe(0);
  });

  it('each stops their own; the other keeps running until they do', async () => {
    const [a, b] = users as [(typeof users)[0], (typeof users)[0]];
    expect((await cli(a, ['lab', 'down', '--name', LAB])).exitCode).toBe(0);
    expect((await cli(b, ['exec', '--lab', LAB, 'node/worker', '--', 'true'])).exitCode).toBe(0);
    expect((await cli(b, ['lab', 'down', '--name', LAB])).exitCode).toBe(0);
    for (const user of users) expect(fs.readdirSync(path.join(stateOf(user), 'labs'))).toEqual([]);
  });
});
