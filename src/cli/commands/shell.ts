import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { runInteractive } from '../../exec.js';
import { resolveTarget, targetLabel } from '../target.js';

export async function run(target: string, options: { namespace: string; lab?: string }, _command: Command): Promise<void> {
  const lab = await attachLab(options.lab);
  const resolved = await resolveTarget(lab, target, options.namespace);
  process.stderr.write(`Shell in ${targetLabel(resolved)}'s network namespace (exit to leave). Host tools see only this namespace's network.\n`);
  // Where the learner is (pod or node, and which lab); `\$` is # for uid 0 and $ otherwise (labs run as an ordinary user inside).
  process.exitCode = await runInteractive(lab.shellCommand(resolved), { PS1: `[${targetLabel(resolved)} in lab ${lab.name}] \\w\\$ ` });
}
