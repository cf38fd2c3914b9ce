// A backend whose code is loaded on first use. The kind and kubeconfig backends
// pull in @kubernetes/client-node (some 800 files, a quarter of a second or more
// to load on a small machine), which a command on a netns lab never needs. Two
// questions are answered without loading them: which labs they have (every
// command without --lab asks every backend) and whether the machine can run them
// (`start --backend auto` asks).
import type { Availability, Backend, ImagePreload, UpOptions } from './backend.js';
import type { BackendCapabilities } from './capabilities.js';

export interface LazyBackendSpec {
  name: string;
  /** Data, so it is known without loading the backend; keptOnRelease says it has release() (start and reset call it instead of down()). */
  capabilities: BackendCapabilities;
  load: () => Promise<Backend>;
  /** The backend's labs() without loading it (they are records in the state folder). */
  labs: () => Promise<string[]>;
  /** The backend's upOptionsOf() without loading it (they are in the lab's record), when it has one. */
  upOptionsOf?: (lab: string) => UpOptions;
  /** The backend's available() without loading it (`--backend auto` asks on every start). */
  available: () => Promise<Availability>;
  /** The backend's images, when it has them, built from modules that are light to load. */
  images?: ImagePreload;
}

export function lazyBackend(spec: LazyBackendSpec): Backend {
  const backend: Backend = {
    name: spec.name,
    capabilities: spec.capabilities,
    available: spec.available,
    up: async (lab, options, progress) => (await spec.load()).up(lab, options, progress),
    attach: async (lab) => (await spec.load()).attach(lab),
    down: async (lab) => (await spec.load()).down(lab),
    labs: spec.labs,
    leftovers: async () => (await spec.load()).leftovers(),
    removeStrays: async () => (await (await spec.load()).removeStrays?.()) ?? [],
    inventory: async () => (await (await spec.load()).inventory?.()) ?? [],
    ...(spec.images ? { images: spec.images } : {}),
  };
  if (spec.upOptionsOf) backend.upOptionsOf = spec.upOptionsOf;
  if (spec.capabilities.keptOnRelease) {
    backend.release = async (lab) => (await spec.load()).release!(lab);
  }
  return backend;
}
