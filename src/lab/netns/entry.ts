// The netns backend as src/lab/backends.ts lists it: its code is loaded on first
// use, so a command that only lists backends (the CLI's flags, a scenario's
// schema) does not load the lab's runtime; its labs are the folders in the state root.
import type { Backend } from '../backend.js';
import { lazyBackend } from '../lazy-backend.js';
import { netnsCapabilities } from './capabilities.js';
import { labsInStateRoot } from './cleanup.js';

const load = async () => (await import('./backend.js')).netnsBackend;

export const netnsEntry: Backend = lazyBackend({
  name: 'netns',
  capabilities: netnsCapabilities,
  load,
  labs: async () => labsInStateRoot(),
  available: async () => (await load()).available(),
});
