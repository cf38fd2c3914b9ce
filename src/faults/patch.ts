// `patch: {object: Kind/ns/name, merge: {...}}` — a JSON merge patch (RFC 7386), as `kubectl patch --type merge`.
import { z } from 'zod';
import { ObjectRefString } from '../k8s/object-ref.js';
import { inverseMergePatch } from '../lab/merge-patch.js';
import { changedWords } from './telltales.js';
import type { FaultKind } from './fault-kind.js';
import { parseObjectRef } from '../k8s/object-ref.js';

const PatchParams = z.object({ object: ObjectRefString, merge: z.record(z.string(), z.unknown()) }).strict();
type PatchParams = z.infer<typeof PatchParams>;

export const patchStep = {
  name: 'patch',
  params: PatchParams,
  describe: (p) => `patch ${p.object}`,
  telltales: (p, ctx) => changedWords(p.merge, ctx.before(parseObjectRef(p.object))),
  async apply(ctx, p) {
    const ref = parseObjectRef(p.object);
    const before = await ctx.lab.get(ref);
    if (!before) throw new Error(`cannot patch ${p.object}: it does not exist`);
    await ctx.lab.patch(ref, p.merge);
    return { object: p.object, revert: inverseMergePatch(p.merge, before) };
  },
  async revert(ctx, undo) {
    await ctx.lab.patch(parseObjectRef(undo.object as string), undo.revert as Record<string, unknown>);
  },
} satisfies FaultKind<PatchParams>;
