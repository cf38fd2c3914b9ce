// What a kind lab can do: a real cluster, slow to make, so kept from one scenario to the next.
import type { BackendCapabilities } from '../capabilities.js';

export const kindCapabilities: BackendCapabilities = {
  title: 'the kind backend',
  summary: 'a real cluster in Docker',
  // A real cluster is the closer lesson: `--backend auto` takes it whenever Docker and kind answer.
  autoRank: 1,
  nodeFaults: true,
  counters: true,
  pcap: true,
  namespacesPerLearner: false,
  readyTimeoutMs: 5 * 60_000,
  slowToSettle: true,
  disposable: false,
  keptOnRelease: 'its kind cluster',
  setsWorkerCount: false,
  standaloneLabs: true,
  cleanAlsoRemoves: 'the kind cluster if netbreak created it',
};
