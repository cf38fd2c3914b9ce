// Ctrl-C while a lab is being built must not leave half a lab behind; then exit
// with 130, as shells expect after SIGINT. A netns lab is removed whole. A lab
// on a cluster that outlives netbreak (kind, kubeconfig) is stopped at the next
// safe point once it is up, and start's failure path undoes its journal (see
// src/engine/interruption.ts); before that, or at a second Ctrl-C, netbreak
// leaves at once and says which command undoes what was made.
import { requestStop, safeStopAllowed } from '../engine/interruption.js';
import { readLabRecord } from '../lab/state.js';
import { netnsBackend } from '../lab/netns/backend.js';

function leaveAsItIs(lab: string, backend: string): never {
  const clean = backend === 'kind' ? '; "netbreak clean" also deletes the kind cluster if netbreak created it' : '';
  process.stderr.write(`\nnetbreak: interrupted; lab ${lab} is left as it is: "netbreak stop --lab ${lab}" undoes what its journal records and removes it${clean}.\n`);
  process.exit(130);
}

export async function removeLabOnInterrupt<T>(lab: string, work: () => Promise<T>): Promise<T> {
  let signals = 0;
  const onSignal = () => {
    signals++;
    const backend = readLabRecord(lab)?.backend ?? 'netns';
    if (backend === 'netns') {
      if (signals > 1) return; // already removing it
      process.stderr.write(`\nnetbreak: interrupted; removing lab ${lab}.\n`);
      void netnsBackend.down(lab).finally(() => process.exit(130));
      return;
    }
    if (signals > 1 || !safeStopAllowed()) leaveAsItIs(lab, backend);
    process.stderr.write(`\nnetbreak: interrupted; finishing the change in progress, then undoing the changes made so far (Ctrl-C again to leave lab ${lab} as it is).\n`);
    requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
