// The kind backend as src/lab/backends.ts lists it: its code (and the Kubernetes
// client) is loaded on first use; which labs it has and whether this machine can
// run it are answered without loading it.
import type { Backend } from '../backend.js';
import { lazyBackend } from '../lazy-backend.js';
import { kindBackendAvailability } from './availability.js';
import { kindCapabilities } from './capabilities.js';
import { kindImagePreload } from './image-preload.js';
import { labsOfBackend } from '../state.js';

export const kindEntry: Backend = lazyBackend({
  name: 'kind',
  capabilities: kindCapabilities,
  load: async () => (await import('./backend.js')).kindBackend,
  labs: async () => labsOfBackend('kind'),
  available: kindBackendAvailability,
  images: kindImagePreload,
});
