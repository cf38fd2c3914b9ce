// Who runs the tests, and how a test started as root runs a command as an ordinary user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const isRoot = process.getuid?.() === 0;

// Looked up once, on the PATH the test run started with: tests may narrow PATH later.
const SETPRIV =
  (process.env.PATH ?? '')
    .split(':')
    .map((dir) => path.join(dir, 'setpriv'))
    .find((file) => fs.existsSync(file)) ?? 'setpriv';

/** The user tests run as when they need an ordinary user (nobody). */
export const ORDINARY_USER = 65534;

/**
 * The argv that runs `argv` as an ordinary user (from root). It may still read
 * and search any folder, so the checkout is reachable wherever it lies, even
 * in a 0700 temporary folder; writing is an ordinary user's.
 */
export function asOrdinaryUser(argv: string[]): string[] {
  const id = String(ORDINARY_USER);
  return [SETPRIV, `--reuid=${id}`, `--regid=${id}`, '--clear-groups', '--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search', ...argv];
}

/** Whether every user may enter `dir` and read in it: each folder from it up to / is readable and searchable by all. */
export function readableByAll(dir: string): boolean {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) if ((fs.statSync(d).mode & 0o005) !== 0o005) return false;
  return true;
}

/**
 * The built CLI where an ordinary user's lab can run it: the checkout itself, or a copy when the checkout lies
 * in a folder only root may enter (CI's fresh clone in a 0700 temporary folder). A lab's processes live in a
 * user namespace of their own, where no capability lent by root reaches root's files.
 */
export function cliForOrdinaryUsers(root: string): { dir: string; remove(): void } {
  if (readableByAll(root)) return { dir: root, remove: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-cli-for-users-'));
  for (const part of ['bin', 'dist', 'clusters', 'scenarios', 'schema', 'node_modules', 'package.json'])
    fs.cpSync(path.join(root, part), path.join(dir, part), { recursive: true });
  fs.chmodSync(dir, 0o755);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
