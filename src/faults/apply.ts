// `apply: manifests/x.yaml` — create or replace the objects of one manifest file.
import type { z } from 'zod';
import { ManifestPath } from './manifest-path.js';
import { refOf, type KubeObject } from '../k8s/objects.js';
import { changedWords } from './telltales.js';
import type { FaultKind } from './fault-kind.js';

interface ApplyUndo {
  [key: string]: unknown;
  /** What each object was before the step: null when the step created it. */
  before: { ref: ReturnType<typeof refOf>; object: KubeObject | null }[];
}

export const applyStep = {
  name: 'apply',
  params: ManifestPath,
  describe: (path) => `apply ${path}`,
  manifestPaths: (path) => [path],
  // A new object's names and labels are what the learner lists anyway; its spec is what it changes.
  telltales: (path, ctx) =>
    (ctx.manifests.get(path) ?? []).flatMap((object) => {
      const { apiVersion: _a, kind: _k, metadata: _m, ...content } = object;
      const { apiVersion: _ba, kind: _bk, metadata: _bm, ...old } = ctx.before(refOf(object)) ?? {};
      return changedWords(content, old).filter((word) => !ctx.setupValues.has(word));
    }),
  async apply(ctx, path) {
    const objects = ctx.manifests.get(path) ?? [];
    const before: ApplyUndo['before'] = [];
    for (const object of objects) {
      const ref = refOf(object);
      before.push({ ref, object: (await ctx.lab.get(ref)) ?? null });
    }
    await ctx.lab.apply(objects);
    return { before } satisfies ApplyUndo;
  },
  async revert(ctx, undo) {
    for (const { ref, object } of [...(undo as ApplyUndo).before].reverse()) {
      if (object) await ctx.lab.apply([object]);
      else await ctx.lab.delete(ref);
    }
  },
} satisfies FaultKind<z.infer<typeof ManifestPath>>;
