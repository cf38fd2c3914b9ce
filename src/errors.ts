// Errors a user can cause or fix; the CLI prints their message as one sentence.
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
