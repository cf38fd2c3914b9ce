// check before and after solve, as a stuck learner (or a trainer) sees them.
import { expect, it } from 'vitest';
import { check } from '../../../src/engine/use-cases/check.js';
import { solve } from '../../../src/engine/use-cases/solve.js';
import { playing, useTempFolders } from './fixture.js';

useTempFolders();

it('a failing check is recorded without stopping the clock; solve journals the reference fix; the first pass stops the clock', async () => {
  const { context, session } = await playing();
  const ns = context.loaded.params.namespace as string;

  const failing = await check(context);
  expect(failing.report.passed).toBe(false);
  expect(failing.report.items.filter((i) => !i.pass).map((i) => i.detail)).toEqual([
    'refused: connection refused',
    'refused: connection refused (the api Service must reach the api pods (not some other pod relabelled to match))',
  ]);
  expect(failing.session.fixedAt).toBeUndefined();

  const { applied, notices } = await solve(context);
  expect(applied).toEqual([expect.stringContaining(`Service/${ns}/api`)]);
  expect(notices).toEqual([]);
  expect(session().solvedWithReference).toBe(true);
  expect(session().journal.map((e) => `${e.phase} ${Object.keys(e.step)[0]} ${e.state}`)).toEqual(['fault patch done', 'fix patch done']);

  const passing = await check(context);
  expect(passing.report.passed).toBe(true);
  const fixedAt = passing.session.fixedAt!;
  expect(fixedAt).toBe(passing.session.checks.at(-1)!.at);
  // A later pass keeps the time of the first.
  expect((await check(context)).session.fixedAt).toBe(fixedAt);
  expect(session().checks.map((c) => c.passed)).toEqual([false, true, true]);
});
