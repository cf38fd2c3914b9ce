// `doctor` and `start` on a machine whose kernel forbids user namespaces, shown
// by pointing netbreak at a copy of /proc/sys with the switch off
// (NETBREAK_PROC_SYS): one sentence, exit code 3, nothing made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { asOrdinaryUser, isRoot } from '../helpers/root.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-userns-off-'));
fs.chmodSync(base, 0o755);
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A /proc/sys look-alike holding only these switches. */
function procSys(name: string, values: Record<string, string>): string {
  const root = path.join(base, name);
  for (const [key, value] of Object.entries(values)) {
    const file = path.join(root, ...key.split('.'));
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, `${value}\n`, { mode: 0o644 });
  }
  return root;
}

describe('user namespaces switched off', () => {
  it('user.max_user_namespaces=0: doctor says so for the netns backend, start refuses with exit 3 and makes nothing', async () => {
    const state = fs.mkdtempSync(path.join(base, 'state-'));
    const env = { NETBREAK_PROC_SYS: procSys('none', { 'user.max_user_namespaces': '0' }), NETBREAK_STATE_DIR: state };
    const doctor = await netbreak(['doctor', '--json'], env);
    const netns = doctor.json().backends.find((b: { backend: string }) => b.backend === 'netns');
    expect(netns.ok).toBe(false);
    expect(netns.reason).toMatch(/^the netns lab runs each lab in a user namespace of its own, and this machine allows none \(user\.max_user_namespaces=0\)/);
    const start = await netbreak(['start', 'friday-merge', '--lab', 'userns-off'], env);
    expect(start.code).toBe(3);
    expect(start.stderr.trim().split('\n')).toHaveLength(1);
    expect(start.stderr).toMatch(/sudo sysctl -w user\.max_user_namespaces=15000/);
    expect(fs.readdirSync(state)).toEqual([]);
  });

  it('kernel.unprivileged_userns_clone=0: an ordinary user is told the sysctl or root', async () => {
    const env = { NETBREAK_PROC_SYS: procSys('debian', { 'kernel.unprivileged_userns_clone': '0' }), NO_COLOR: '1', NETBREAK_BACKEND: 'netns', HOME: base };
    const argv = [process.execPath, path.join(ROOT, 'bin/netbreak.js'), 'lab', 'up', '--name', 'userns-off'];
    const [cmd, ...args] = isRoot ? asOrdinaryUser(argv) : argv;
    const r = await execa(cmd!, args, { reject: false, env: { ...env, NETBREAK_STATE_DIR: fs.mkdtempSync(path.join(base, 'state-')) } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(
      /\(kernel\.unprivileged_userns_clone=0\): allow it with "sudo sysctl -w kernel\.unprivileged_userns_clone=1".*or run netbreak as root/,
    );
  });
});
