// A backend whose code is loaded on first use. The kind and kubeconfig backends
// pull in @kubernetes/client-node (some 800 files, a quarter of a second or more
// to load on a small machine), which a command on a netns lab never needs. Two
// questions are answered without loading them: which labs they have (every
// command without --lab asks every backend) and whether the machine can run them
// (`start --backend auto` asks).
import type { Availability, Backend } from './backend.js';

export interface LazyBackendSpec {
  name: Backend['name'];
  load: () => Promise<Backend>;
  /** The backend's labs() without loading it (they are records in the state folder). */
  labs: () => Promise<string[]>;
  /** The backend's available() without loading it (`--backend auto` asks on every start). */
  available: () => Promise<Availability>;
  /** Whether the backend has release() (start and reset call it instead of down() when it exists). */
  release: boolean;
}

export function lazyBackend(spec: LazyBackendSpec): Backend {
  const backend: Backend = {
    name: spec.name,
    available: spec.available,
    up: async (lab, options, progress) => (await spec.load()).up(lab, options, progress),
    attach: async (lab) => (await spec.load()).attach(lab),
    down: async (lab) => (await spec.load()).down(lab),
    labs: spec.labs,
    leftovers: async () => (await spec.load()).leftovers(),
  };
  if (spec.release) {
    backend.release = async (lab) => (await spec.load()).release!(lab);
  }
  return backend;
}
