import { expect, it } from 'vitest';
import { takeHint } from '../../../src/engine/use-cases/hint.js';
import { playing, useTempFolders } from './fixture.js';

useTempFolders();

it('two shells asking at once get the next two hints, never the same one twice', async () => {
  const { context, session } = await playing();
  const [a, b] = await Promise.all([takeHint(context), takeHint(context)]);
  expect([a, b].map((t) => ('number' in t ? t.number : null)).sort()).toEqual([1, 2]);
  expect(a.hint).not.toBe(b.hint);
  expect(session().hintsUsed).toBe(2);
});

it('after the last hint says so and changes nothing', async () => {
  const { context, session } = await playing({ hintsUsed: 3 });
  expect(await takeHint(context)).toEqual({ hint: null, used: 3, total: 3, notices: [] });
  expect(session().hintsUsed).toBe(3);
});
