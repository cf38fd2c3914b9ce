// `restart: Deployment/ns/name` — as `kubectl rollout restart`: new pods, new pod IPs.
// Nothing to revert: the pods are as healthy as before, only replaced.
import { ObjectRefString } from '../k8s/object-ref.js';
import type { FaultKind } from './fault-kind.js';
import { parseObjectRef } from '../k8s/object-ref.js';

export const restartStep = {
  name: 'restart',
  params: ObjectRefString,
  describe: (ref) => `rollout restart ${ref}`,
  telltales: () => [],
  async apply(ctx, ref) {
    await ctx.lab.restart(parseObjectRef(ref));
    return {};
  },
  async revert() {},
} satisfies FaultKind<string>;
