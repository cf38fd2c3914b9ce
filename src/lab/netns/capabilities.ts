// What the embedded netns lab can do: everything, quickly, and nothing outlives it.
import type { BackendCapabilities } from '../capabilities.js';

export const netnsCapabilities: BackendCapabilities = {
  title: 'the netns lab',
  summary: 'the embedded lab',
  autoRank: 2,
  nodeFaults: true,
  counters: true,
  pcap: true,
  namespacesPerLearner: false,
  readyTimeoutMs: 30_000,
  slowToSettle: false,
  disposable: true,
  setsWorkerCount: true,
  standaloneLabs: true,
};
