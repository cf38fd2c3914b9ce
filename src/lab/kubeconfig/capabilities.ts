// What a lab on a shared cluster can do: only what the Kubernetes API allows, in the learner's own namespaces.
import type { BackendCapabilities } from '../capabilities.js';

export const kubeconfigCapabilities: BackendCapabilities = {
  title: 'the kubeconfig backend',
  summary: 'an existing cluster',
  nodeFaults: false,
  counters: false,
  pcap: false,
  namespacesPerLearner: true,
  readyTimeoutMs: 5 * 60_000,
  slowToSettle: true,
  disposable: false,
  // It needs --context and --learner, which only `start` takes.
  setsWorkerCount: false,
  standaloneLabs: false,
};
