// Ctrl-C while a scenario is built on a cluster that outlives netbreak (kind,
// or a shared cluster): nothing may be left half changed there. Once a stop is
// requested no new change starts (the journal's next intent throws) and the
// waits in between give up, so the start fails at a clean boundary and its own
// failure path undoes the journal, as after any failed start. The netns lab
// needs none of this: Ctrl-C removes it whole.
import { UserError } from '../errors.js';

export class InterruptedError extends UserError {
  constructor(message = 'interrupted') {
    super(message, 130);
  }
}

let requested = false;
let safe = false;
const listeners = new Set<() => void>();

/** The lab is up: from here on a stop can wait for the current change and then undo the journal. */
export function allowSafeStop(): void {
  safe = true;
}

/** Whether a stop requested now can be made safely (see allowSafeStop). */
export function safeStopAllowed(): boolean {
  return safe;
}

/** Asks the running start to stop at the next boundary. */
export function requestStop(): void {
  requested = true;
  for (const listener of listeners) listener();
  listeners.clear();
}

export function throwIfStopRequested(): void {
  if (requested) throw new InterruptedError();
}

/** `work`, unless a stop is requested first: then InterruptedError at once (the work is abandoned, not undone). */
export function unlessStopped<T>(work: Promise<T>): Promise<T> {
  if (requested) return Promise.reject(new InterruptedError());
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(new InterruptedError());
    listeners.add(onStop);
    work.then(resolve, reject).finally(() => listeners.delete(onStop));
  });
}
