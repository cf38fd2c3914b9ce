import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import type { KubeProxyMode } from '../../k8s/kube-proxy/proxy-mode.js';
import { backendByName } from '../../lab/backends.js';
import { readLabRecord } from '../../lab/state.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { removeLabOnInterrupt } from '../../engine/use-cases/interrupt.js';
import { tellInterruption } from '../interrupt.js';
import { printJson, println } from '../output.js';
import { kubectlReadyLine } from '../kubectl-ready.js';

export async function run(options: { name: string; nodes?: number; proxyMode: KubeProxyMode; backend: string }, command: Command): Promise<void> {
  const capabilities = backendByName(options.backend)!.capabilities;
  if (options.nodes !== undefined && !capabilities.setsWorkerCount) {
    throw new UserError('--nodes is for the netns lab: a kind lab has the two workers of clusters/kind-default.yaml');
  }
  if (!capabilities.kubeProxyModes.includes(options.proxyMode)) {
    throw new UserError(
      `--proxy-mode ${options.proxyMode} is for the netns lab: ${capabilities.title} runs kube-proxy in ${capabilities.kubeProxyModes.join(' or ')} mode`,
    );
  }
  if (options.nodes !== undefined && !(Number.isInteger(options.nodes) && options.nodes >= 1 && options.nodes <= 9)) {
    throw new UserError('--nodes takes a number of worker nodes from 1 to 9');
  }
  const json = Boolean(command.optsWithGlobals().json);
  const backend = backendByName(options.backend)!;
  const lab = await removeLabOnInterrupt(
    options.name,
    () => backend.up(options.name, { workers: options.nodes, kubeProxyMode: options.proxyMode }, json ? silentProgress : terminalProgress()),
    tellInterruption,
  );
  const nodes = await lab.nodes();
  const record = readLabRecord(lab.name);
  if (json)
    return printJson({
      lab: lab.name,
      backend: backend.name,
      nodes,
      kubeProxyMode: options.proxyMode,
      ...(record?.cluster ? { cluster: record.cluster, kubeconfig: record.kubeconfig, context: record.context } : {}),
    });
  if (record?.cluster) {
    println(`Lab "${lab.name}" is up on kind cluster ${record.cluster}: nodes ${nodes.join(', ')}.`);
    println(
      `Try: netbreak apply --lab ${lab.name} -f app.yaml; netbreak get pods -A -o wide; kubectl --kubeconfig ${record.kubeconfig} --context ${record.context} get nodes`,
    );
    return;
  }
  println(
    `Lab "${lab.name}" is up: nodes ${nodes.join(', ')}, kube-proxy in ${options.proxyMode} mode. Try: netbreak apply --lab ${lab.name} -f app.yaml; netbreak get pods -A -o wide`,
  );
  if (lab.kubeconfigFile?.()) println(kubectlReadyLine(lab.name));
}
