import type { Command } from 'commander';
import { resolveKindLab } from '../../engine/current-lab.js';
import { PreflightError } from '../../errors.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { printJson, println } from '../output.js';
import { imageBackend, imagesToPreload } from './images-list.js';

export async function run(options: { lab?: string }, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const preload = imageBackend().images;
  const engine = await preload.engine();
  const lab = await resolveKindLab(options.lab);
  const cluster = await preload.clusterOf(engine, lab);
  const images = await imagesToPreload();
  const missing = await preload.missing(engine, images);
  if (missing.length)
    throw new PreflightError(`${missing.length} image(s) are not on this machine yet (${missing.join(', ')}): run "netbreak images pull" first`);
  const progress = json ? silentProgress : terminalProgress();
  await progress.step(`Loading ${images.length} image(s) into every node of kind cluster ${cluster}`, () => preload.load(engine, cluster, images));
  if (json) return printJson({ cluster, loaded: images });
  println(`kind cluster ${cluster} has every image the scenarios need: pods start without a registry.`);
}
