import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { refOf } from '../../k8s/objects.js';
import { UserError } from '../../errors.js';
import { readManifestArg } from '../manifest-file.js';
import { printJson, println } from '../output.js';

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'Pod']);

export async function run(options: { filename: string; lab?: string }, command: Command): Promise<void> {
  const objects = await readManifestArg(options.filename);
  const lab = await attachLab(options.lab);
  const before = await Promise.all(objects.map((o) => lab.get(refOf(o))));
  const applied = await lab.apply(objects);
  try {
    await lab.waitReady(applied.filter((o) => WORKLOADS.has(o.kind)).map(refOf), 30_000);
  } catch (error) {
    throw new UserError(`applied, but ${(error as Error).message}: see "netbreak get pods -n NAMESPACE" and "netbreak describe pod/NAME"`, 1);
  }
  const lines = applied.map((o, i) => {
    const verb = !before[i] ? 'created' : before[i]!.metadata.resourceVersion === o.metadata.resourceVersion ? 'unchanged' : 'configured';
    return { ref: `${o.kind.toLowerCase()}/${o.metadata.name}`, namespace: o.metadata.namespace, verb };
  });
  if (command.optsWithGlobals().json) return printJson({ applied: lines });
  for (const l of lines) println(`${l.ref} ${l.verb}`);
}
