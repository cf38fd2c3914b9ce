// How a backend reports long steps; the CLI draws them (one status line per step).
export interface Progress {
  step<T>(title: string, work: (update: (detail: string) => void) => Promise<T>): Promise<T>;
}

/** For callers that show nothing (tests, --json). */
export const silentProgress: Progress = {
  step: (_title, work) => work(() => {}),
};
