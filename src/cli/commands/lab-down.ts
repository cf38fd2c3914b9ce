import type { Command } from 'commander';
import { resolveKindLab, resolveLabName } from '../../engine/current-lab.js';
import { UserError } from '../../errors.js';
import { backendByName, backendOfLab } from '../../lab/backends.js';
import { readLabRecord } from '../../lab/state.js';
import { printJson, println } from '../output.js';
import { kindClusterOf } from '../../engine/use-cases/stop.js';
import { confirmClusterDeletion } from '../confirm-cluster-deletion.js';

export async function run(options: { name?: string; backend?: string; yes?: boolean }, command: Command): Promise<void> {
  // Without --name, --backend kind picks among the clusters netbreak created, so that one needs no second look.
  const pickedFromKindClusters = !options.name && Boolean(options.backend && backendByName(options.backend)?.capabilities.keptOnRelease);
  const name = options.name ?? (pickedFromKindClusters ? await resolveKindLab(undefined, '--name') : await resolveLabName());
  const recorded = readLabRecord(name)?.backend;
  if (options.backend && recorded && recorded !== options.backend) {
    throw new UserError(`lab "${name}" runs on the ${recorded} backend, not ${options.backend}: run "netbreak lab down --name ${name}" without --backend`);
  }
  const backend = options.backend ? backendByName(options.backend)! : backendOfLab(name);
  if (backend.capabilities.keptOnRelease) {
    if (!pickedFromKindClusters && !(await backend.leftovers()).includes(name))
      throw new UserError(`there is no kind cluster "${name}" that netbreak created ("netbreak doctor" lists them)`, 4);
    if (!(await confirmClusterDeletion(kindClusterOf(name), options.yes))) throw new UserError('cancelled: the kind cluster is kept', 130);
  }
  const report = await backend.down(name);
  if (command.optsWithGlobals().json) return printJson(report);
  println(`Lab "${name}" removed (${report.removed.length} item(s)).`);
  if (backend.capabilities.keptOnRelease) for (const item of report.removed) println(`  - ${item}`);
}
