// A timeout that judges silence fairly on a busy machine. When a timer fires,
// the process may itself have been waiting for the CPU while the answer was
// already in the kernel: Node runs expired timers before it polls for I/O. So
// when the time is up, the event loop first takes in the I/O that is pending
// (setImmediate callbacks run after the poll phase), and only if the answer is
// still missing is it silence. A drop is judged in the given time, and an answer
// that arrived in time is never called a timeout however late the process woke.
export interface SilenceTimer {
  cancel(): void;
}

export function silenceTimer(ms: number, onSilence: () => void): SilenceTimer {
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(onSilence);
  }, ms);
  return {
    cancel() {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}
