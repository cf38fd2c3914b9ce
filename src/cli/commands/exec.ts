import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { runInteractive } from '../../exec.js';
import { resolveTarget } from '../target.js';

export async function run(target: string, argv: string[], options: { namespace: string; lab?: string }, _command: Command): Promise<void> {
  const lab = await attachLab(options.lab);
  const resolved = await resolveTarget(lab, target, options.namespace);
  process.exitCode = await runInteractive(lab.shellCommand(resolved, argv));
}
