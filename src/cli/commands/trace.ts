import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { LabRequestError, UserError } from '../../errors.js';
import { parseProbeUrl } from '../../lab/probe-url.js';
import { collectTrace } from '../../trace/collect.js';
import { renderTrace } from '../../trace/render.js';
import { color, printJson, println } from '../output.js';

interface TraceOptions {
  from?: string;
  to?: string;
  pcap?: string;
  output?: string;
  lab?: string;
}

export async function run(options: TraceOptions, command: Command): Promise<void> {
  const output = command.optsWithGlobals().json ? 'json' : options.output;
  if (output !== undefined && output !== 'json') throw new UserError(`-o ${output} is not supported: use -o json (or leave it out for text)`);
  if (!options.from || !options.to)
    throw new UserError('say what to trace: --from NAMESPACE/POD --to URL, for example --from shop/frontend --to http://api.shop.svc.cluster.local:8080/');
  if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(options.from)) throw new UserError(`--from ${options.from}: use NAMESPACE/POD, for example --from shop/frontend`);
  parseProbeUrl(options.to);
  const lab = await attachLab(options.lab);
  const trace = await collectTrace(lab, { from: options.from, to: options.to, ...(options.pcap ? { pcapDir: options.pcap } : {}) }).catch((error: unknown) => {
    // The lab could not send the probe (the source pod is not running …): the learner's problem, not a bug.
    if (error instanceof LabRequestError && error.status !== 422) throw new UserError(error.message, 1);
    throw error;
  });
  process.exitCode = trace.verdict === 'delivered' ? 0 : 1;
  if (output === 'json') return printJson(trace);
  println(renderTrace(trace, { paint: { ok: color.green, fail: color.red, dim: color.dim, bold: color.bold } }));
}
