// How much of the trainer's machine one attendee's shell may take. Enforced with
// rlimits (no cgroup delegation needed, so it works the same for root and for an
// ordinary trainer):
// - processes: RLIMIT_NPROC, set inside the attendee's own user namespace. Since
//   Linux 5.14 the kernel counts it per user namespace, so it caps the attendee's
//   processes and threads alone, not the trainer's labs or the other attendees'.
//   It is set only after the namespace exists: the limit in force when a user
//   namespace is made also caps its owner's processes everywhere.
// - memory: RLIMIT_AS, the address space of each process (not their sum);
// - open files: RLIMIT_NOFILE, per process;
// - CPU: the shell runs at a lower priority (nice), so a busy loop or a fork bomb
//   leaves the room's server and the labs their share.
// The hard limits equal the soft ones, and the attendee holds no capability to raise them.

export interface SandboxLimits {
  /** Processes and threads of the attendee at once. */
  processes: number;
  /** Address space of each process, in bytes. */
  memoryBytes: number;
  /** Open files of each process. */
  openFiles: number;
  /** Niceness of the shell and everything it starts (0–19). */
  nice: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  processes: 256,
  // kubectl (Go) and netbreak (Node.js) each reserve well over what they use; both run within 1 GiB.
  memoryBytes: 2 * 1024 ** 3,
  openFiles: 1024,
  nice: 10,
};

/** The `prlimit` argv that runs `argv` with the limits, hard and soft alike. */
export function limitArgv(limits: SandboxLimits, argv: string[]): string[] {
  const both = (value: number) => `${value}:${value}`;
  return ['prlimit', `--nproc=${both(limits.processes)}`, `--as=${both(limits.memoryBytes)}`, `--nofile=${both(limits.openFiles)}`, '--', ...argv];
}
