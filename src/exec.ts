// Every subprocess netbreak starts goes through here, so tests can swap binaries
// on PATH and `--explain` can show the learner each command line. A lab start
// runs dozens of short `ip` and `iptables-restore` commands, in the CLI and in
// the supervisor, so this is plain child_process: execa takes two to three
// times the CPU per command and a twentieth of a second to load.
import { spawn } from 'node:child_process';

let explain: ((line: string) => void) | undefined;

/** Print every command line before it runs (the CLI's --explain flag). */
export function setExplain(sink: ((line: string) => void) | undefined): void {
  explain = sink;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
}

/** Shows a command line under --explain; for the few commands started without run() (long-lived captures). */
export function explainCommand(argv: string[]): void {
  explain?.(argv.map(quoteArg).join(' '));
}

/** Runs a command to completion and never throws for a non-zero exit; a missing binary throws. */
export function run(argv: string[], options: RunOptions = {}): Promise<ExecResult> {
  explainCommand(argv);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A command that ignores its input must not fail the run by closing its end early.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(missingOrNot(argv[0]!, error));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === null) {
        const why = timedOut ? `timed out after ${timeoutMs} ms` : `killed by ${signal}`;
        reject(new Error(`${argv[0]} did not run: ${why}`));
        return;
      }
      resolve({ exitCode: code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
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
  constructor(
    readonly binary: string,
    readonly why = 'is not installed',
  ) {
    super(`${binary} ${why}`);
  }
}

/**
 * A program looked up on PATH that fails with EACCES was found nowhere this user may run it: the file is not
 * executable, or a folder on PATH is closed to them (root's PATH handed to an ordinary user by runuser or sudo).
 * Either way it is as good as missing, and callers that probe for optional programs (podman, kind) must see that.
 */
function missingOrNot(program: string, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT') return new MissingBinaryError(program);
  if (error.code === 'EACCES' && !program.includes('/')) return new MissingBinaryError(program, 'is not installed where this user may run it');
  return new Error(`${program} did not run: ${error.message}`, { cause: error });
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
export function runInteractive(argv: string[], env: Record<string, string> = {}): Promise<number> {
  explain?.(argv.map(quoteArg).join(' '));
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', (error: NodeJS.ErrnoException) => reject(missingOrNot(argv[0]!, error)));
    child.once('close', (code) => resolve(code ?? 1));
  });
}
