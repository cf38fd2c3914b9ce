// `delete: Kind/namespace/name` — remove one object (a learner's "fix" is often this step).
import { ObjectRefString } from '../k8s/object-ref.js';
import type { KubeObject } from '../k8s/objects.js';
import type { FaultKind } from './fault-kind.js';
import { parseObjectRef } from '../k8s/object-ref.js';

export const deleteStep = {
  name: 'delete',
  params: ObjectRefString,
  describe: (ref) => `delete ${ref}`,
  // The change is the object's absence: no field or value is written.
  telltales: () => [],
  async apply(ctx, text) {
    const ref = parseObjectRef(text);
    const before = (await ctx.lab.get(ref)) ?? null;
    await ctx.lab.delete(ref);
    return { before };
  },
  async revert(ctx, undo) {
    const before = undo.before as KubeObject | null;
    if (before) await ctx.lab.apply([before]);
  },
} satisfies FaultKind<string>;
