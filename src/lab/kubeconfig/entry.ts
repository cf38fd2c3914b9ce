// The kubeconfig backend as src/lab/backends.ts lists it: its code (and the
// Kubernetes client) is loaded on first use; its labs are records in the state folder.
import type { Backend } from '../backend.js';
import { labsOfBackend, readClusterRecord } from '../state.js';
import { lazyBackend } from '../lazy-backend.js';
import { kubeconfigCapabilities } from './capabilities.js';

export const kubeconfigEntry: Backend = lazyBackend({
  name: 'kubeconfig',
  capabilities: kubeconfigCapabilities,
  load: async () => (await import('./backend.js')).kubeconfigBackend,
  labs: async () => labsOfBackend('kubeconfig'),
  upOptionsOf: (lab) => {
    const record = readClusterRecord(lab, 'kubeconfig');
    return {
      ...(record?.context ? { context: record.context } : {}),
      ...(record?.learner ? { learner: record.learner } : {}),
      ...(record?.kubeconfig ? { kubeconfig: record.kubeconfig } : {}),
    };
  },
  // Reading a kubeconfig takes the Kubernetes client; --backend auto never asks this one.
  available: async () => (await import('./backend.js')).kubeconfigBackend.available(),
});
