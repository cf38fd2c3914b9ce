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

/** Words an interface name or a plain verb of `ip` share with everyday prose. */
const PLAIN_ARGS = /^(ip|eth\d+|lo)$/;

/**
 * The words of a node command that describe the fault: chain and target
 * names, addresses, numbers, the mtu keyword, and a rule's comment whole. The
 * tool itself is not (a hint may well say "read iptables-save"), nor flags and
 * everyday verbs (add, set, dev).
 */
function commandWords(argv: string[]): string[] {
  // A lone digit (gso_max_segs 1) would match inside every address: too short to tell anything.
  return argv.filter(
    (arg, i) =>
      i > 0 && arg.length >= 2 && !arg.startsWith('-') && !PLAIN_ARGS.test(arg) && (argv[i - 1] === '--comment' || /[A-Z0-9_./:]/.test(arg) || arg === 'mtu'),
  );
}

export const nodeExecStep = {
  name: 'nodeExec',
  params: NodeExecParams,
  describe: (p) => `on node ${p.node}: ${p.run.join(' ')}`,
  telltales: (p) => commandWords(p.run),
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
