import { expect, it } from 'vitest';
import { inverseMergePatch, mergePatch } from '../../src/lab/merge-patch.js';

// RFC 7386, Appendix A: every example, in order.
const RFC_EXAMPLES: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];
it.each(RFC_EXAMPLES)('%j patched with %j is %j', (target, patch, result) => {
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

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

it.each(RFC_EXAMPLES.filter(([target, patch]) => isObject(target) && isObject(patch)))('the inverse of %j patched with %j restores it', (target, patch) => {
  const inverse = inverseMergePatch(patch as Record<string, unknown>, target);
  expect(mergePatch(mergePatch(target, patch), inverse)).toEqual(target);
});

it('undoes only what the patch touched, and removes what it added', () => {
  const before = { spec: { selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53 }] } };
  const patch = { spec: { selector: { 'app.kubernetes.io/name': 'coredns', 'k8s-app': null } } };
  expect(inverseMergePatch(patch, before)).toEqual({ spec: { selector: { 'app.kubernetes.io/name': null, 'k8s-app': 'kube-dns' } } });
  const narrow = { spec: { template: { spec: { affinity: { nodeAffinity: { x: 1 } } } } } };
  expect(inverseMergePatch(narrow, { spec: { template: { spec: { containers: [] } } } })).toEqual({ spec: { template: { spec: { affinity: null } } } });
});
