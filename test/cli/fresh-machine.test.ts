// A fresh Debian machine, as far as netbreak can tell: the lab's packages
// hidden from PATH. `start` says in one sentence what to install (exit 3), and
// `doctor --fix` shows the apt-get line, asks (or takes --yes) and runs it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { pathWithout } from '../helpers/hidden-packages.js';
import { rootGate } from '../helpers/lab-gate.js';

const fresh = pathWithout(['iptables']);
afterAll(() => fresh.remove());
const asRoot = rootGate();
const last = (text: string) => text.trim().split('\n').at(-1)!;

it.skipIf(asRoot.skip)(asRoot.title("README's start, without iptables: exit 3 and one sentence naming the package and the install line"), async () => {
  const r = await netbreak(['start', 'friday-merge'], { PATH: fresh.path, NETBREAK_BACKEND: 'auto' });
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(
    'the netns lab needs iptables, iptables-restore and iptables-save, which are not installed: run "apt-get install -y iptables" (or "netbreak doctor --fix")',
  );
  expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
});

it('doctor --fix without a terminal or --yes shows the apt-get line and asks for --yes', async () => {
  const r = await netbreak(['doctor', '--fix'], { PATH: fresh.path });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /^netbreak: doctor --fix would run "(sudo )?apt-get update -qq && (sudo )?apt-get install -y iptables" and asks first: run it again with --yes \(or in a terminal\)\.$/,
  );
});

it('doctor --fix --yes runs exactly that apt-get, and says so when the binaries are still missing after it', async () => {
  // A stand-in apt-get that records its argv and installs nothing.
  const bin = path.join(fresh.path, 'apt-get');
  const log = path.join(fresh.path, 'apt-calls');
  fs.rmSync(bin, { force: true });
  fs.writeFileSync(bin, `#!/bin/sh\necho "$*" >> ${log}\n`, { mode: 0o755 });
  fs.rmSync(path.join(fresh.path, 'sudo'), { force: true });
  fs.writeFileSync(path.join(fresh.path, 'sudo'), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
  const r = await netbreak(['doctor', '--fix', '--yes'], { PATH: fresh.path });
  expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq iptables']);
  expect(r.code).toBe(3);
  expect(last(r.stderr)).toBe(
    'netbreak: iptables, iptables-restore, iptables-save still missing after installing iptables: check that /usr/sbin is on your PATH.',
  );
});

it('doctor --fix on a machine with everything installs nothing', async () => {
  const r = await netbreak(['doctor', '--fix', '--yes']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/the lab's and the toolbox's packages are all installed/);
});
