import { expect, it } from 'vitest';
import type { FaultKind } from '../../src/faults/fault-kind.js';
import { restartStep as step } from '../../src/faults/restart.js';

const restartStep: FaultKind<string> = step;
import { FakeLab, deployment, namespace } from '../helpers/fake-lab.js';

it('asks the lab to roll the named workload, and its revert changes nothing', async () => {
  const lab = new FakeLab([namespace('shop'), deployment('shop', 'api')]);
  const ctx = { lab, manifests: new Map() };
  const before = lab.dump();
  const undo = await restartStep.apply(ctx, 'Deployment/shop/api');
  expect(lab.calls).toContainEqual({ op: 'restart', ref: 'Deployment/shop/api' });
  lab.calls.length = 0;
  await restartStep.revert(ctx, undo);
  expect(lab.calls).toEqual([]);
  expect(lab.dump()).toEqual(before);
});
