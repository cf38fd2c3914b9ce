import { expect, it } from 'vitest';
import { deleteStep } from '../../src/faults/delete.js';
import { FakeLab, namespace, service } from '../helpers/fake-lab.js';

const ctx = (lab: FakeLab) => ({ lab, manifests: new Map() });

it('deletes the object, and revert puts it back as it was', async () => {
  const lab = new FakeLab([namespace('kube-system'), service('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, 53)]);
  const before = lab.dump();
  const undo = JSON.parse(JSON.stringify(await deleteStep.apply(ctx(lab), 'Service/kube-system/kube-dns')));
  expect(lab.peek({ kind: 'Service', namespace: 'kube-system', name: 'kube-dns' })).toBeUndefined();
  await deleteStep.revert(ctx(lab), undo);
  expect(lab.dump()).toEqual(before);
});

it('deleting something already gone changes nothing, and neither does its revert', async () => {
  const lab = new FakeLab([namespace('shop')]);
  const before = lab.dump();
  const undo = await deleteStep.apply(ctx(lab), 'Service/shop/missing');
  await deleteStep.revert(ctx(lab), undo);
  expect(lab.dump()).toEqual(before);
  expect(lab.calls.some((c) => c.op === 'apply')).toBe(false);
});

it('deletes cluster-scoped objects by Kind/name', async () => {
  const lab = new FakeLab([namespace('shop')]);
  await deleteStep.apply(ctx(lab), 'Namespace/shop');
  expect(lab.calls).toContainEqual({ op: 'delete', ref: 'Namespace/shop' });
  expect(lab.dump()).toEqual([]);
});
