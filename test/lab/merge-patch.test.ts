import { expect, it } from 'vitest';
import { mergePatch } from '../../src/lab/merge-patch.js';

// RFC 7386, Appendix A: every example, in order.
it.each([
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
])('%j patched with %j is %j', (target, patch, result) => {
  expect(mergePatch(target, patch)).toEqual(result);
});

it('leaves the target untouched', () => {
  const target = { spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } };
  const copy = structuredClone(target);
  const patched = mergePatch(target, { spec: { selector: { app: null, tier: 'api' }, ports: [{ port: 81 }] } }) as any;
  expect(target).toEqual(copy);
  patched.spec.ports[0].port = 9;
  expect(target).toEqual(copy);
});
