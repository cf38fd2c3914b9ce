// README and reality cannot drift: the quick start's commands are read from
// README itself. The test command must be the one package.json defines and
// .ci/run calls; the first command's netbreak steps run for real (doctor
// --fix finding everything present, then start), and the lab is stopped.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netbreak, ROOT } from './helpers/cli.js';
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

describe.skipIf(labTests.skip)(labTests.title("the quick start's netbreak commands, for real"), () => {
  it('doctor --fix --yes finds everything present, start brings the scenario up, stop removes it', { timeout: 180_000 }, async () => {
    const steps = blocks[0]!.split(' && ').slice(1).map((c) => c.replace(/^npx netbreak /, '').split(' '));
    const lab = ['--lab', 'readme-qs'];
    for (const args of steps) {
      const r = await netbreak(args[0] === 'start' ? [...args, ...lab, '--backend', 'netns'] : args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const stop = await netbreak(['stop', ...lab]);
    expect(stop.code, stop.stderr).toBe(0);
  });
});
