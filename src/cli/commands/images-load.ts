import type { Command } from 'commander';
import { resolveKindLab } from '../../engine/current-lab.js';
import { PreflightError, UserError } from '../../errors.js';
import { clusterMadeByNetbreak, refusal } from '../../lab/kind/backend.js';
import { engineStatus } from '../../lab/kind/docker.js';
import { loadImages, missingImages } from '../../lab/kind/images.js';
import { getClusters } from '../../lab/kind/kind-cli.js';
import { readLabRecord } from '../../lab/state.js';
import { silentProgress } from '../../lab/progress.js';
import { terminalProgress } from '../progress.js';
import { printJson, println } from '../output.js';
import { imagesToPreload } from './images-list.js';

export async function run(options: { lab?: string }, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const engine = await engineStatus();
  if (!engine.ok) throw new PreflightError(engine.reason);
  const lab = await resolveKindLab(options.lab);
  const cluster = readLabRecord(lab)?.cluster ?? lab;
  if (!(await getClusters(engine.engine)).includes(cluster)) {
    throw new UserError(`there is no kind cluster "${cluster}": make it with "netbreak lab up --backend kind --name ${lab}", then load the images`, 4);
  }
  // Only into a cluster netbreak created, as with every other change.
  if (!(await clusterMadeByNetbreak(cluster, engine.engine))) throw refusal(cluster);
  const images = await imagesToPreload();
  const missing = await missingImages(engine.engine, images);
  if (missing.length) throw new PreflightError(`${missing.length} image(s) are not on this machine yet (${missing.join(', ')}): run "netbreak images pull" first`);
  const progress = json ? silentProgress : terminalProgress();
  await progress.step(`Loading ${images.length} image(s) into every node of kind cluster ${cluster}`, () => loadImages(engine.engine, cluster, images));
  if (json) return printJson({ cluster, loaded: images });
  println(`kind cluster ${cluster} has every image the scenarios need: pods start without a registry.`);
}
