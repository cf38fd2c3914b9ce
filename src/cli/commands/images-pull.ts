import type { Command } from 'commander';
import { PreflightError } from '../../errors.js';
import { engineStatus } from '../../lab/kind/docker.js';
import { pullImage } from '../../lab/kind/images.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { printJson, println } from '../output.js';
import { imagesToPreload } from './images-list.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const engine = await engineStatus();
  if (!engine.ok) throw new PreflightError(engine.reason);
  const images = await imagesToPreload();
  const progress = json ? silentProgress : terminalProgress();
  for (const image of images) await progress.step(`Pulling ${image}`, () => pullImage(engine.engine, image));
  if (json) return printJson({ engine: engine.engine, pulled: images });
  println(`${images.length} image(s) are on this machine (${engine.engine}). Once a kind cluster is up: netbreak images load`);
}
