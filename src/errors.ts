// Every error a user or their environment can cause, in one module at the bottom
// so any layer may throw them. The CLI's error boundary (src/index.ts) maps each
// class to the exit code README's table gives and prints its one-sentence message.

/** Bad input or a command that cannot run now (exit 2 unless told otherwise). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** A lab a command needs is gone (its backend could not attach to it). */
export class LabNotRunningError extends Error {}

/**
 * A lab refused one request (the netns lab's supervisor answered with an error
 * status): the message says why. Status 422 means the request itself was wrong
 * (bad input, exit 2); others mean the lab could not do it now (a pod that is
 * not running cannot send a probe).
 */
export class LabRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A lab that was running stopped answering mid-command (its supervisor is gone): exit 4. */
export class LabUnreachableError extends Error {}

/** This machine cannot run the lab as asked: a missing tool, a bad lab name, a folder it cannot write (exit 3). */
export class PreflightError extends Error {}

/**
 * The cluster or container engine a lab runs on did not answer, or refused
 * netbreak (connection refused, a certificate or credential it rejects, a
 * kubeconfig that is gone, Docker stopped): the user's environment, never a bug.
 * The message is one sentence naming the component and what to do. exitCode is
 * 3 while a lab is being made (this machine cannot run it) and 4 once it ran
 * (the lab died), as README's exit-code table says.
 */
export class ClusterAccessError extends Error {
  constructor(
    message: string,
    readonly exitCode: 3 | 4 = 3,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The same error with what start could not remove named for `netbreak clean`:
 * a user's error keeps its class (and so its exit code), anything else is
 * returned as it was.
 */
export function leftForClean(error: unknown, what: string): unknown {
  const tail = `, and ${what} is left for "netbreak clean" to remove`;
  const text = (e: Error) => e.message.replace(/\.$/, '') + tail;
  if (error instanceof ClusterAccessError) return new ClusterAccessError(text(error), error.exitCode, { cause: error });
  if (error instanceof PreflightError) return new PreflightError(text(error), { cause: error });
  return error;
}
