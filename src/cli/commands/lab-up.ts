import type { Command } from 'commander';
import { netnsBackend } from '../../lab/netns/backend.js';
import { UserError } from '../../engine/errors.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { removeLabOnInterrupt } from '../interrupt.js';
import { printJson, println } from '../output.js';

export async function run(options: { name: string; nodes?: number }, command: Command): Promise<void> {
  if (options.nodes !== undefined && !(Number.isInteger(options.nodes) && options.nodes >= 1 && options.nodes <= 9)) {
    throw new UserError('--nodes takes a number of worker nodes from 1 to 9');
  }
  const json = Boolean(command.optsWithGlobals().json);
  const lab = await removeLabOnInterrupt(options.name, () => netnsBackend.up(options.name, { workers: options.nodes }, json ? silentProgress : terminalProgress()));
  const nodes = await lab.nodes();
  if (json) return printJson({ lab: lab.name, nodes });
  println(`Lab "${lab.name}" is up: nodes ${nodes.join(', ')}. Try: netbreak apply --lab ${lab.name} -f app.yaml; netbreak get pods -A -o wide`);
}
