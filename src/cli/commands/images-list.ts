import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { AGNHOST_IMAGE, CAPTURE_IMAGE } from '../../lab/kind/images.js';
import { imagesOfEveryVariant } from '../../scenario/images.js';
import { listScenarios } from '../../scenario/loader.js';
import { printJson, println } from '../output.js';

/**
 * What a kind lab needs for offline use: the probe image, the capture image of
 * `trace --pcap` (loaded into the nodes too, for `kubectl debug`), and every image
 * of every variant of the scenarios that run on kind.
 */
export async function imagesToPreload(): Promise<string[]> {
  const { scenarios, errors } = await listScenarios(scenariosRoot());
  if (errors.length) throw errors[0]!;
  const onKind = scenarios.filter((s) => s.scenario.backends.includes('kind'));
  return [...new Set([AGNHOST_IMAGE, CAPTURE_IMAGE, ...(await imagesOfEveryVariant(onKind))])].sort();
}

export async function run(_options: unknown, command: Command): Promise<void> {
  const images = await imagesToPreload();
  if (command.optsWithGlobals().json) return printJson({ images });
  for (const image of images) println(image);
}
