import { expect, it } from 'vitest';
import { scaleStep } from '../../src/faults/scale.js';
import { FakeLab, deployment, namespace } from '../helpers/fake-lab.js';

const ctx = (lab: FakeLab) => ({ lab, manifests: new Map() });
const replicasOf = (lab: FakeLab) => (lab.peek({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' })!.spec as any).replicas;

it('scales to the given count, and revert scales back to the count before', async () => {
  const lab = new FakeLab([namespace('kube-system'), deployment('kube-system', 'coredns', 3)]);
  const undo = JSON.parse(JSON.stringify(await scaleStep.apply(ctx(lab), { object: 'Deployment/kube-system/coredns', replicas: 0 })));
  expect(replicasOf(lab)).toBe(0);
  await scaleStep.revert(ctx(lab), undo);
  expect(replicasOf(lab)).toBe(3);
});

it('a Deployment without replicas had one, and revert gives it one', async () => {
  const d = deployment('kube-system', 'coredns');
  delete (d.spec as any).replicas;
  const lab = new FakeLab([namespace('kube-system'), d]);
  const undo = await scaleStep.apply(ctx(lab), { object: 'Deployment/kube-system/coredns', replicas: 0 });
  await scaleStep.revert(ctx(lab), undo);
  expect(replicasOf(lab)).toBe(1);
});
