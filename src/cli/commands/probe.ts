import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { UserError } from '../../engine/errors.js';
import { parseProbeUrl } from '../../lab/probe-url.js';
import { color, printJson, println } from '../output.js';

export async function run(options: { from: string; to: string; lab?: string }, command: Command): Promise<void> {
  if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(options.from)) throw new UserError(`--from ${options.from}: use NAMESPACE/POD, for example --from shop/frontend`);
  parseProbeUrl(options.to);
  const lab = await attachLab(options.lab);
  const result = await lab.probe({ from: options.from, to: options.to });
  process.exitCode = result.outcome === 'success' ? 0 : 1;
  if (command.optsWithGlobals().json) return printJson(result);
  for (const q of result.dns ?? []) {
    println(color.dim(`  dns ${q.name} @${q.server}: ${q.timedOut ? 'no answer' : `${q.rcode ?? ''} ${q.answers.join(' ')}`.trim()} (${q.ms} ms)`));
  }
  const paint = result.outcome === 'success' ? color.green : color.red;
  println(`${paint(result.outcome)} ${result.detail} (${result.ms} ms)`);
}
