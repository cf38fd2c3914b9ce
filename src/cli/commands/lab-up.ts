import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { backendByName } from '../../lab/backends.js';
import { readLabRecord } from '../../lab/state.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { removeLabOnInterrupt } from '../../engine/use-cases/interrupt.js';
import { tellInterruption } from '../interrupt.js';
import { printJson, println } from '../output.js';

export async function run(options: { name: string; nodes?: number; backend: string }, command: Command): Promise<void> {
  if (options.nodes !== undefined && !backendByName(options.backend)!.capabilities.setsWorkerCount) {
    throw new UserError('--nodes is for the netns lab: a kind lab has the two workers of clusters/kind-default.yaml');
  }
  if (options.nodes !== undefined && !(Number.isInteger(options.nodes) && options.nodes >= 1 && options.nodes <= 9)) {
    throw new UserError('--nodes takes a number of worker nodes from 1 to 9');
  }
  const json = Boolean(command.optsWithGlobals().json);
  const backend = backendByName(options.backend)!;
  const lab = await removeLabOnInterrupt(options.name, () => backend.up(options.name, { workers: options.nodes }, json ? silentProgress : terminalProgress()), tellInterruption);
  const nodes = await lab.nodes();
  const record = readLabRecord(lab.name);
  if (json) return printJson({ lab: lab.name, backend: backend.name, nodes, ...(record?.cluster ? { cluster: record.cluster, kubeconfig: record.kubeconfig, context: record.context } : {}) });
  if (record?.cluster) {
    println(`Lab "${lab.name}" is up on kind cluster ${record.cluster}: nodes ${nodes.join(', ')}.`);
    println(`Try: netbreak apply --lab ${lab.name} -f app.yaml; netbreak get pods -A -o wide; kubectl --kubeconfig ${record.kubeconfig} --context ${record.context} get nodes`);
    return;
  }
  println(`Lab "${lab.name}" is up: nodes ${nodes.join(', ')}. Try: netbreak apply --lab ${lab.name} -f app.yaml; netbreak get pods -A -o wide`);
}
