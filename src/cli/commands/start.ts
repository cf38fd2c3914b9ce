import type { Command } from 'commander';
import { start, type StartChoices } from '../../engine/use-cases/start.js';
import { UserError } from '../../errors.js';
import { silentProgress } from '../../lab/progress.js';
import { backendByName } from '../../lab/backends.js';
import { terminalProgress } from '../progress.js';
import { tellInterruption } from '../interrupt.js';
import { printNotices } from '../notices.js';
import { printBrief } from '../scenario-brief.js';
import { color, printJson, println } from '../output.js';
import { kubeconfigOf, kubectlReadyLine } from '../kubectl-ready.js';

export async function run(id: string, options: StartChoices, command: Command): Promise<void> {
  const perLearner = Boolean(options.backend && backendByName(options.backend)?.capabilities.namespacesPerLearner);
  if (!perLearner && (options.context || options.learner || options.kubeconfig)) {
    throw new UserError('--context, --kubeconfig and --learner are for the kubeconfig backend: add --backend kubeconfig');
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new UserError('--seed takes a whole number, for example --seed 42');
  const json = Boolean(command.optsWithGlobals().json);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    throw new UserError('--seed is too large: give a whole number below 2^53, for example --seed 42');
  const { session, loaded, notices } = await start({
    ...options,
    scenario: id,
    progress: json ? silentProgress : terminalProgress(),
    interrupted: tellInterruption,
  });
  printNotices(notices);
  const { scenario } = loaded;
  const kubeconfig = await kubeconfigOf(session.lab);
  if (json) {
    printJson({
      scenario: scenario.id,
      title: scenario.title,
      lab: session.lab,
      backend: session.backend,
      seed: session.seed,
      params: loaded.params,
      startedAt: session.startedAt,
      story: scenario.story,
      task: scenario.task,
      symptom: scenario.symptom,
      ...(kubeconfig ? { kubeconfig } : {}),
    });
    return;
  }
  println();
  println(color.bold(`${scenario.title}`) + color.dim(`  (${scenario.id}, ${scenario.difficulty}, seed ${session.seed})`));
  println();
  printBrief(scenario);
  println();
  println('The clock is running. Investigate with:');
  println(
    `  netbreak get pods -A -o wide        netbreak exec ${scenario.symptom.from.split('/')[1]} -n ${scenario.symptom.from.split('/')[0]} -- curl -sS -m 3 ${scenario.symptom.to.replace(/^(tcp|udp|dns):\/\//, 'http://')}`,
  );
  println('  netbreak shell node/worker   (iptables-save, conntrack -L, tcpdump -ni any)');
  println('Then: netbreak hint | netbreak diagnose | netbreak check | netbreak stop');
  if (kubeconfig) println(kubectlReadyLine(session.lab));
}
