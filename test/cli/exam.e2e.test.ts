// `netbreak exam` driven the way a script or a study group's CI would: start a
// seeded two-task exam on the netns lab, fix one task with the learner's own
// commands, skip the other, end it; the score table, progress and the report
// show it, and the host is left as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario } from '../../src/scenario/loader.js';
import { netbreak, ROOT } from '../helpers/cli.js';
import { hostNetworkState } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate();

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-exam-'));
const library = path.join(work, 'scenarios');
// Two quick scenarios: one fixed by applying a manifest, one skipped.
const FIXED = 'after-the-pentest';
const SKIPPED = 'afternoon-deploy';
for (const id of [FIXED, SKIPPED]) fs.cpSync(path.join(ROOT, 'scenarios', id), path.join(library, id), { recursive: true });
const env = { NETBREAK_STATE_DIR: path.join(work, 'state'), NETBREAK_DATA_DIR: path.join(work, 'data'), NETBREAK_SCENARIOS: library };
const LAB = 'e2e-exam';
const cli = (...args: string[]) => netbreak(args, env);

describe.skipIf(labTests.skip)(labTests.title('netbreak exam, non-interactively, on the netns lab'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    // Whatever failed above: no lab and no exam are left behind.
    await cli('exam', 'end');
    await cli('stop', '--lab', LAB);
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('starts, refuses hints, grades a fixed and a skipped task, and records the exam', async () => {
    const start = await cli('exam', 'start', '--count', '2', '--seed', '7', '--minutes', '30', '--backend', 'netns', '--lab', LAB);
    expect(start.stderr).not.toMatch(/error|Error/);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^Seed 7 /m);
    expect(start.stdout).toMatch(/^Task 1 of 2, \d+m\d\ds left of 30 minutes\.$/m);
    expect(start.stdout).toMatch(/^Your task: /m);

    const status = (await cli('exam', 'status', '--json')).json();
    expect(status).toMatchObject({ seed: 7, task: 1, lab: LAB, backend: 'netns' });
    expect(status.tasks.map((t: { scenario: string }) => t.scenario).sort()).toEqual([FIXED, SKIPPED].sort());
    expect(status.tasks.map((t: { weight: number }) => t.weight)).toEqual([50, 50]);
    expect(status.timeLeftMs).toBeGreaterThan(25 * 60_000);
    const fixedTask = status.tasks.find((t: { scenario: string }) => t.scenario === FIXED);

    const hint = await cli('hint', '--lab', LAB);
    expect(hint.code).toBe(2);
    expect(hint.stderr).toMatch(/hints are not available during an exam \(exam \w+, \d+m\d\ds left\): work it out, or move on with "netbreak exam next"/);
    const stop = await cli('stop', '--lab', LAB);
    expect(stop.code).toBe(2);
    expect(stop.stderr).toMatch(/runs task 1 of exam \w+: move on with "netbreak exam next"/);

    // The exam's order comes from the seed: skip the other task if it came first.
    if (status.tasks[0].scenario === SKIPPED) {
      const next = await cli('exam', 'next');
      expect(next.code).toBe(0);
      expect(next.stdout).toMatch(/^Task 2 of 2, /m);
    }
    // The fix as a learner applies it: the reference manifest of this task's variant, through apply -f; and a right diagnosis.
    const loaded = await loadScenario(path.join(library, FIXED), { seed: fixedTask.seed });
    const file = path.join(work, 'allow-dns.yaml');
    fs.writeFileSync(
      file,
      loaded.manifests
        .get('manifests/allow-dns.yaml')!
        .map((o) => stringify(o))
        .join('---\n'),
    );
    expect((await cli('apply', '-f', file, '--lab', LAB)).code).toBe(0);
    const key = loaded.scenario.diagnosis;
    const diagnose = await cli('diagnose', '--lab', LAB, '--layer', key.layer, '--object', key.object, '--cause', key.cause, '--evidence', key.evidence.answer);
    expect(diagnose.code).toBe(0);
    if (status.tasks[0].scenario === FIXED) expect((await cli('exam', 'next')).code).toBe(0);

    const end = await cli('exam', 'end');
    // 50 of 100: the fix and the diagnosis of one task; below the 66% pass mark.
    expect(end.code).toBe(1);
    expect(end.stdout).toMatch(new RegExp(`^\\d\\s+${FIXED}\\s+50%\\s+pass\\s+100/100\\s+50/50$`, 'm'));
    expect(end.stdout).toMatch(new RegExp(`^\\d\\s+${SKIPPED}\\s+50%\\s+fail\\s+-\\s+0/50$`, 'm'));
    expect(end.stdout).toMatch(/^Total 50%: not passed \(pass mark 66%\)\./m);
    expect((await cli('exam', 'status', '--json')).json()).toMatchObject({ endedBy: 'learner', result: { percent: 50, passed: false } });

    const progress = await cli('progress');
    expect(progress.stdout).toMatch(/^Exams {2}/m);
    expect(progress.stdout).toMatch(new RegExp(`^${status.id}\\s+.*\\s+7\\s+2\\s+50%\\s+not passed\\s+`, 'm'));
    expect(progress.stdout).toMatch(new RegExp(`\\s${FIXED}\\s+100/100\\s+found\\s+fixed$`, 'm'));
    const junit = await cli('report', '--exam', 'latest', '--format', 'junit');
    expect(junit.stdout).toMatch(/<testsuite name="netbreak exam \w+" tests="2" failures="1"/);
  }, 240_000);
});
