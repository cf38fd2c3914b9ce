import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { UserError } from '../../errors.js';
import type { Backend, ImagePreload } from '../../lab/backend.js';
import { backends } from '../../lab/backends.js';
import { imagesOfEveryVariant } from '../../scenario/images.js';
import { listScenarios } from '../../scenario/loader.js';
import { printJson, println } from '../output.js';

/** The backend whose labs run container images (kind): the one `netbreak images` preloads for. */
export function imageBackend(): Backend & { images: ImagePreload } {
  const backend = backends.find((b) => b.images);
  if (!backend?.images) throw new UserError('no backend of this netbreak runs container images, so there are none to preload');
  return backend as Backend & { images: ImagePreload };
}

/**
 * What that backend's labs need for offline use: its own images (kind: the probe
 * image, and the capture image of `trace --pcap`, loaded into the nodes too for
 * `kubectl debug`), and every image of every variant of the scenarios that run on it.
 */
export async function imagesToPreload(): Promise<string[]> {
  const backend = imageBackend();
  const { scenarios, errors } = await listScenarios(scenariosRoot());
  if (errors.length) throw errors[0]!;
  const onBackend = scenarios.filter((s) => s.scenario.backends.includes(backend.name));
  return [...new Set([...backend.images.ownImages, ...(await imagesOfEveryVariant(onBackend))])].sort();
}

export async function run(_options: unknown, command: Command): Promise<void> {
  const images = await imagesToPreload();
  if (command.optsWithGlobals().json) return printJson({ images });
  for (const image of images) println(image);
}
