import { describe, expect, it } from 'vitest';
import { applyStep } from '../../src/faults/apply.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { FakeLab, namespace, networkPolicy, service } from '../helpers/fake-lab.js';

function ctx(lab: FakeLab, manifests: Record<string, KubeObject[]>) {
  return { lab, manifests: new Map(Object.entries(manifests)) };
}

describe('apply step', () => {
  it('creates the objects of the manifest, and revert deletes exactly those', async () => {
    const keep = service('shop', 'api');
    const lab = new FakeLab([namespace('shop'), keep]);
    const before = lab.dump();
    const c = ctx(lab, { 'manifests/deny.yaml': [networkPolicy('shop', 'deny-a'), networkPolicy('shop', 'deny-b')] });

    const undo = JSON.parse(JSON.stringify(await applyStep.apply(c, 'manifests/deny.yaml')));
    expect(lab.peek({ kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-a' })).toBeDefined();
    expect(lab.peek({ kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-b' })).toBeDefined();

    await applyStep.revert(c, undo);
    expect(lab.dump()).toEqual(before);
  });

  it('over an existing object, revert restores the object exactly as it was', async () => {
    const original = service('shop', 'api', { app: 'api' });
    original.metadata.labels = { team: 'shop' };
    const lab = new FakeLab([namespace('shop'), original]);
    const stored = lab.dump();
    const broken = service('shop', 'api', { app: 'api-v2' });
    const c = ctx(lab, { 'manifests/selector.yaml': [broken] });

    const undo = JSON.parse(JSON.stringify(await applyStep.apply(c, 'manifests/selector.yaml')));
    expect((lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })!.spec as any).selector).toEqual({ app: 'api-v2' });
    expect(lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })!.metadata.labels).toBeUndefined();

    await applyStep.revert(c, undo);
    expect(lab.dump()).toEqual(stored);
  });

  it('reverts in reverse order, so objects go before the namespace the step created', async () => {
    const lab = new FakeLab();
    const c = ctx(lab, { 'm.yaml': [namespace('shop'), networkPolicy('shop', 'deny')] });
    const undo = await applyStep.apply(c, 'm.yaml');
    lab.calls.length = 0;
    await applyStep.revert(c, undo);
    expect(lab.calls.filter((x) => x.op === 'delete')).toEqual([
      { op: 'delete', ref: 'NetworkPolicy/shop/deny' },
      { op: 'delete', ref: 'Namespace/shop' },
    ]);
    expect(lab.dump()).toEqual([]);
  });

  it('names its manifest for the loader and in its description', () => {
    expect(applyStep.manifestPaths('manifests/deny.yaml')).toEqual(['manifests/deny.yaml']);
    expect(applyStep.describe('manifests/deny.yaml')).toBe('apply manifests/deny.yaml');
  });
});
