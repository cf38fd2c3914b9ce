// Every subprocess netbreak starts goes through here, so tests can swap binaries
// on PATH and `--explain` can show the learner each command line.
import { execa } from 'execa';
import type { ExecResult } from './lab/lab.js';

let explain: ((line: string) => void) | undefined;

/** Print every command line before it runs (the CLI's --explain flag). */
export function setExplain(sink: ((line: string) => void) | undefined): void {
  explain = sink;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
}

/** Runs a command to completion and never throws for a non-zero exit; a missing binary throws. */
export async function run(argv: string[], options: RunOptions = {}): Promise<ExecResult> {
  explain?.(argv.map(quoteArg).join(' '));
  const result = await execa(argv[0]!, argv.slice(1), {
    input: options.input,
    timeout: options.timeoutMs ?? 30_000,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.failed && result.exitCode === undefined) {
    const code = (result as unknown as { code?: string }).code;
    if (code === 'ENOENT') throw new MissingBinaryError(argv[0]!);
    throw new Error(`${argv[0]} did not run: ${result.shortMessage}`, { cause: result });
  }
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** Like run, but a non-zero exit is an error that carries the command's stderr. */
export async function runOk(argv: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(argv, options);
  if (result.exitCode !== 0) {
    throw new CommandFailedError(argv, result);
  }
  return result.stdout;
}

export class MissingBinaryError extends Error {
  constructor(readonly binary: string) {
    super(`${binary} is not installed`);
  }
}

export class CommandFailedError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: ExecResult,
  ) {
    super(`"${argv.join(' ')}" failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n')[0] ?? ''}`);
  }
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs a command attached to the learner's terminal (shell, exec, edit) and returns its exit code. */
export async function runInteractive(argv: string[], env: Record<string, string> = {}): Promise<number> {
  explain?.(argv.map(quoteArg).join(' '));
  const child = execa(argv[0]!, argv.slice(1), { stdio: 'inherit', reject: false, env });
  const result = await child;
  if (result.failed && result.exitCode === undefined) {
    const code = (result as unknown as { code?: string }).code;
    if (code === 'ENOENT') throw new MissingBinaryError(argv[0]!);
  }
  return result.exitCode ?? 1;
}
