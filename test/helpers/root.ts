// Who runs the tests, and how a test started as root runs a command as an ordinary user.
import fs from 'node:fs';
import path from 'node:path';

export const isRoot = process.getuid?.() === 0;

// Looked up once, on the PATH the test run started with: tests may narrow PATH later.
const SETPRIV = (process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'setpriv')).find((file) => fs.existsSync(file)) ?? 'setpriv';

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
