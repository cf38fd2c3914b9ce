import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { LabRequestError, UserError } from '../../errors.js';
import { matrixJson, matrixPods, renderTruthTable, runMatrix, type MatrixProtocol } from '../../grading/matrix.js';
import type { Lab } from '../../lab/lab.js';
import { parseProbeUrl } from '../../lab/probe-url.js';
import { color, printJson, println } from '../output.js';

interface ProbeOptions {
  from?: string;
  to?: string;
  matrix?: boolean;
  namespaces?: string;
  port: string;
  protocol: string;
  output?: string;
  lab?: string;
}

/** Namespaces whose pods are the cluster's own, left out of a matrix unless named. */
const SYSTEM_NAMESPACE = /^kube-/;

export async function run(options: ProbeOptions, command: Command): Promise<void> {
  const output = command.optsWithGlobals().json ? 'json' : options.output;
  if (output !== undefined && output !== 'json') throw new UserError(`-o ${output} is not supported: use -o json (or leave it out for text)`);
  if (options.matrix) return runMatrixCommand(options, output === 'json');
  if (!options.from || !options.to) {
    throw new UserError('say what to probe: --from NAMESPACE/POD --to URL for one probe, or --matrix for every pod to every pod');
  }
  if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(options.from)) throw new UserError(`--from ${options.from}: use NAMESPACE/POD, for example --from shop/frontend`);
  parseProbeUrl(options.to);
  const lab = await attachLab(options.lab);
  const result = await lab.probe({ from: options.from, to: options.to }).catch(unsentProbe);
  process.exitCode = result.outcome === 'success' ? 0 : 1;
  if (output === 'json') return printJson(result);
  for (const q of result.dns ?? []) {
    println(color.dim(`  dns ${q.name} @${q.server}: ${q.timedOut ? 'no answer' : `${q.rcode ?? ''} ${q.answers.join(' ')}`.trim()} (${q.ms} ms)`));
  }
  const paint = result.outcome === 'success' ? color.green : color.red;
  println(`${paint(result.outcome)} ${result.detail} (${result.ms} ms)`);
}

/** The lab could not send the probe at all (the source pod is not running …): the learner's problem, not a bug. */
function unsentProbe(error: unknown): never {
  if (error instanceof LabRequestError) throw new UserError(error.message, 1);
  throw error;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new UserError(`--port ${text}: use a port number between 1 and 65535`);
  return port;
}

function parseProtocol(text: string): MatrixProtocol {
  const protocol = text.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') throw new UserError(`--protocol ${text}: use tcp or udp`);
  return protocol;
}

async function selectNamespaces(lab: Pick<Lab, 'list'>, requested: string | undefined, pods: { metadata: { namespace?: string } }[]): Promise<string[]> {
  const withPods = [...new Set(pods.map((p) => p.metadata.namespace ?? 'default'))].sort();
  if (!requested) {
    const namespaces = withPods.filter((n) => !SYSTEM_NAMESPACE.test(n));
    if (namespaces.length === 0) throw new UserError('no pods to probe outside kube-system: apply some workloads first, or name namespaces with --namespaces');
    return namespaces;
  }
  const namespaces = [
    ...new Set(
      requested
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  if (namespaces.length === 0) throw new UserError('--namespaces is empty: name them comma-separated, for example --namespaces x,y,z');
  const existing = new Set((await lab.list('Namespace')).map((n) => n.metadata.name));
  const missing = namespaces.filter((n) => !existing.has(n));
  if (missing.length > 0)
    throw new UserError(
      `--namespaces: ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist (the namespaces are ${[...existing].sort().join(', ')})`,
    );
  return namespaces;
}

async function runMatrixCommand(options: ProbeOptions, json: boolean): Promise<void> {
  if (options.from || options.to) throw new UserError('--matrix probes every pod to every pod: leave out --from and --to');
  const port = parsePort(options.port);
  const protocol = parseProtocol(options.protocol);
  const lab = await attachLab(options.lab);
  const all = await lab.list('Pod');
  const namespaces = await selectNamespaces(lab, options.namespaces, all);
  const pods = matrixPods(all, namespaces);
  if (pods.length === 0) throw new UserError(`no running pods with their own IP in ${namespaces.join(', ')}: check them with "netbreak get pods -A -o wide"`);
  const result = await runMatrix((requests) => lab.probeMany(requests), pods, { port, protocol });
  if (json) return printJson(matrixJson(result));
  const reachable = result.results.filter((r) => r.reachable).length;
  println(`${protocol}/${port}: ${reachable} of ${result.results.length} pairs reachable (${result.ms} ms)`);
  println();
  println(
    renderTruthTable(result.table)
      .split('\n')
      .map((line, i) => (i === 0 ? line : line.replace(/(?<= )([.X])(?= |$)/g, (mark) => (mark === '.' ? color.green(mark) : color.red(mark)))))
      .join('\n'),
  );
  // A source pod that cannot send fails its whole row with one message: say it once.
  const errors = new Map<string, number>();
  for (const r of result.results) if (r.error) errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
  if (errors.size > 0) {
    println();
    for (const [error, count] of errors) println(color.yellow(`  ${count} probe${count > 1 ? 's' : ''} not sent: ${error}`));
  }
}
