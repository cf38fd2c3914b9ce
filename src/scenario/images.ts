// The container images a scenario runs: every container, init container and
// ephemeral container named in its manifests and in the merges of its patch
// steps (a fault or fix may swap an image), in every variant. `netbreak images`
// preloads them into a kind cluster for a workshop without internet.
import type { LoadedScenario } from './loader.js';
import { loadScenario } from './loader.js';
import { variantsToCheck } from './params.js';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function collect(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => collect(v, into));
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (CONTAINER_LISTS.has(key) && Array.isArray(child)) {
      for (const container of child) {
        const image = (container as { image?: unknown } | null)?.image;
        if (typeof image === 'string' && image) into.add(image);
      }
    }
    collect(child, into);
  }
}

/** The images one variant of a scenario names. */
export function scenarioImages(loaded: LoadedScenario): string[] {
  const images = new Set<string>();
  for (const objects of loaded.manifests.values()) collect(objects, images);
  for (const step of [...loaded.scenario.fault, ...loaded.scenario.fix]) {
    if ('patch' in step) collect((step.patch as { merge?: unknown }).merge, images);
  }
  return [...images].sort();
}

/** The images of every variant of the given scenarios, sorted, each once. */
export async function imagesOfEveryVariant(scenarios: readonly LoadedScenario[]): Promise<string[]> {
  const images = new Set<string>();
  for (const s of scenarios) {
    for (const params of variantsToCheck(s.scenario.params)) for (const image of scenarioImages(await loadScenario(s.dir, { params }))) images.add(image);
  }
  return [...images].sort();
}
