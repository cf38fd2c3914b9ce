import { expect, it } from 'vitest';
import { patchStep } from '../../src/faults/patch.js';
import { FakeLab, namespace, service } from '../helpers/fake-lab.js';

const ctx = (lab: FakeLab) => ({ lab, manifests: new Map() });

it('merge-patches the object, and revert restores it including fields the patch removed or added', async () => {
  const svc = service('shop', 'api');
  svc.metadata.annotations = { owner: 'shop' };
  const lab = new FakeLab([namespace('shop'), svc]);
  const before = lab.dump();
  const undo = JSON.parse(
    JSON.stringify(
      await patchStep.apply(ctx(lab), {
        object: 'Service/shop/api',
        merge: { spec: { selector: { app: null, tier: 'api' } }, metadata: { annotations: null } },
      }),
    ),
  );
  const patched = lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })!;
  expect((patched.spec as any).selector).toEqual({ tier: 'api' });
  expect((patched.spec as any).ports).toEqual([{ port: 8080, targetPort: 8080, protocol: 'TCP' }]);
  expect(patched.metadata.annotations).toBeUndefined();

  await patchStep.revert(ctx(lab), undo);
  expect(lab.dump()).toEqual(before);
});

it('refuses to patch an object that does not exist, naming it', async () => {
  const lab = new FakeLab([namespace('shop')]);
  await expect(patchStep.apply(ctx(lab), { object: 'Service/shop/api', merge: { spec: {} } })).rejects.toThrow(
    'cannot patch Service/shop/api: it does not exist',
  );
  expect(lab.dump()).toHaveLength(1);
});
