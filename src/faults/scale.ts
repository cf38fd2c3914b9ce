// `scale: {object: Deployment/ns/name, replicas: N}` — as `kubectl scale`.
import { z } from 'zod';
import { ObjectRefString } from '../k8s/object-ref.js';
import type { FaultKind } from './fault-kind.js';
import { parseObjectRef } from '../k8s/object-ref.js';

const ScaleParams = z.object({ object: ObjectRefString, replicas: z.number().int().min(0).max(20) }).strict();
type ScaleParams = z.infer<typeof ScaleParams>;

export const scaleStep = {
  name: 'scale',
  params: ScaleParams,
  describe: (p) => `scale ${p.object} to ${p.replicas}`,
  telltales: () => ['replicas'],
  async apply(ctx, p) {
    const ref = parseObjectRef(p.object);
    const current = await ctx.lab.get(ref);
    const spec = (current?.spec ?? {}) as { replicas?: number };
    await ctx.lab.scale(ref, p.replicas);
    return { object: p.object, replicas: spec.replicas ?? 1 };
  },
  async revert(ctx, undo) {
    await ctx.lab.scale(parseObjectRef(undo.object as string), undo.replicas as number);
  },
} satisfies FaultKind<ScaleParams>;
