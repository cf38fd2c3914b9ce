import type { Command } from 'commander';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { printJson, println } from '../output.js';
import { imageBackend, imagesToPreload } from './images-list.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const preload = imageBackend().images;
  const engine = await preload.engine();
  const images = await imagesToPreload();
  const progress = json ? silentProgress : terminalProgress();
  for (const image of images) await progress.step(`Pulling ${image}`, () => preload.pull(engine, image));
  if (json) return printJson({ engine, pulled: images });
  println(`${images.length} image(s) are on this machine (${engine}). Once a kind cluster is up: netbreak images load`);
}
