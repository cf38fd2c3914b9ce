// `nodeExec: {node: worker, run: [...], undo: [...]}` — a command typed on a node
// (an iptables rule, a deleted route, an MTU change). Backend-specific by nature:
// netns runs it in the node's namespace, kind in the node container.
import { z } from 'zod';
import type { FaultKind } from './fault-kind.js';

const Argv = z.array(z.string().min(1)).min(1);
const NodeExecParams = z
  .object({
    node: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a node name such as worker' }),
    run: Argv,
    /** The command that undoes `run`, for reset; stop removes the whole lab anyway. */
    undo: Argv.optional(),
  })
  .strict();
type NodeExecParams = z.infer<typeof NodeExecParams>;

export const nodeExecStep = {
  name: 'nodeExec',
  params: NodeExecParams,
  describe: (p) => `on node ${p.node}: ${p.run.join(' ')}`,
  async apply(ctx, p) {
    const result = await ctx.lab.nodeExec(p.node, p.run);
    if (result.exitCode !== 0) {
      throw new Error(`"${p.run.join(' ')}" failed on node ${p.node}: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
    }
    return { node: p.node, undo: p.undo ?? null };
  },
  async revert(ctx, undo) {
    const argv = undo.undo as string[] | null;
    if (argv) await ctx.lab.nodeExec(undo.node as string, argv);
  },
} satisfies FaultKind<NodeExecParams>;
