// README and reality cannot drift: the quick start's commands are read from
// README itself. The test command must be the one package.json defines and
// .ci/run calls; the first command runs word for word in a fresh clone (npm
// ci, doctor --fix finding everything present, then start), and the lab is
// stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { ROOT } from './helpers/cli.js';
import { labGate } from './helpers/lab-gate.js';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Quick start\n'), readme.indexOf('\n## ', readme.indexOf('## Quick start\n') + 1));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
const labTests = labGate();

it('the quick start is two commands: set-up and start, then the tests', () => {
  expect(blocks).toHaveLength(2);
  const [first, second] = blocks as [string, string];
  expect(first.split('\n')).toHaveLength(1);
  expect(first.split(' && ')[0]).toBe('npm ci');
  expect(first).toMatch(/npx netbreak doctor --fix --yes/);
  expect(first).toMatch(/npx netbreak start \S+$/);
  expect(second).toBe('npm test');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.scripts.test).toMatch(/vitest run$/);
  expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
});

describe.skipIf(labTests.skip)(labTests.title("the quick start's first command, word for word, in a fresh clone"), () => {
  it('npm ci installs and builds, doctor --fix --yes finds everything present, start brings the scenario up', { timeout: 600_000 }, async () => {
    // A clone of what is committed, as a new user gets it; npm's cache makes its install offline.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-readme-'));
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-readme-state-'));
    const env = {
      ...process.env,
      NETBREAK_STATE_DIR: state,
      NETBREAK_DATA_DIR: state,
      NETBREAK_BACKEND: 'netns',
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      NO_COLOR: '1',
    };
    try {
      await execa('git', ['clone', '--quiet', ROOT, clone]);
      const first = await execa('bash', ['-c', blocks[0]!], { cwd: clone, env, reject: false, all: true });
      expect(first.exitCode, first.all).toBe(0);
      expect(first.stdout).toMatch(/The clock is running/);
      const stop = await execa('bash', ['-c', 'npx netbreak stop'], { cwd: clone, env, reject: false, all: true });
      expect(stop.exitCode, stop.all).toBe(0);
    } finally {
      await execa('bash', ['-c', 'npx netbreak clean'], { cwd: clone, env, reject: false });
      fs.rmSync(clone, { recursive: true, force: true });
      fs.rmSync(state, { recursive: true, force: true });
    }
  });
});
