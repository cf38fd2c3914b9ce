// Ctrl-C (or SIGTERM) while a lab is being built must not leave half a lab
// behind. A netns lab is removed whole. A lab on a cluster that outlives
// netbreak (kind, kubeconfig) is stopped at the next safe point once it is up,
// and start's failure path undoes its journal (see ../interruption.ts); before
// that, or at a second Ctrl-C, the lab is left as it is for `stop` or `clean`.
import { requestStop, safeStopAllowed } from '../interruption.js';
import type { Backend } from '../../lab/backend.js';
import { backendOfLab } from '../../lab/backends.js';

/**
 * What an interruption did, for the caller to tell the user. After `removed`
 * and `left` the work is abandoned and the process should end (exit 130, as
 * shells expect after SIGINT); after `stopping` the work ends by itself with
 * an InterruptedError.
 */
export type Interruption =
  | { event: 'removing'; lab: string }
  | { event: 'removed'; lab: string }
  | { event: 'stopping'; lab: string }
  | { event: 'left'; lab: string; backend: Backend };

/** Runs `work` (building lab `lab`) with SIGINT and SIGTERM handled as above; `told` hears each interruption. */
export async function removeLabOnInterrupt<T>(lab: string, work: () => Promise<T>, told: (interruption: Interruption) => void): Promise<T> {
  let signals = 0;
  const onSignal = () => {
    signals++;
    const backend = backendOfLab(lab);
    if (backend.capabilities.disposable) {
      if (signals > 1) return; // already removing it
      told({ event: 'removing', lab });
      void backend.down(lab).finally(() => told({ event: 'removed', lab }));
      return;
    }
    if (signals > 1 || !safeStopAllowed()) return told({ event: 'left', lab, backend });
    told({ event: 'stopping', lab });
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
