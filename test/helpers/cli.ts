// Runs the real CLI (the built bin) as a user would, in its own state folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/netbreak.js');
/** Sessions finished by tests go to a throw-away history, never the user's own. */
const DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-data-'));
afterAll(() => fs.rmSync(DATA_DIR, { recursive: true, force: true }));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

/** `start` stays on the embedded lab even where Docker and kind answer (auto would pick kind), unless a test says otherwise. */
export async function netbreak(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NO_COLOR: '1', NETBREAK_DATA_DIR: DATA_DIR, NETBREAK_BACKEND: 'netns', ...env },
    input,
    timeout: 120_000,
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/**
 * Runs a command line as a learner would type it in a shell, where `netbreak`
 * is the built CLI: pipes and quotes work as in the debrief's commands.
 */
export async function netbreakShell(line: string, env: Record<string, string> = {}): Promise<CliResult> {
  const script = `netbreak() { "${process.execPath}" "${BIN}" "$@"; }\n${line}`;
  const r = await execa('bash', ['-c', script], {
    reject: false,
    env: { NO_COLOR: '1', NETBREAK_DATA_DIR: DATA_DIR, NETBREAK_BACKEND: 'netns', ...env },
    timeout: 120_000,
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
