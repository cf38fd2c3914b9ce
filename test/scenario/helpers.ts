// Helpers for the scenario tests: fixture paths and throw-away copies of the valid fixture.
import { accessSync, constants, statSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scenarios');
export const VALID_ID = 'quiet-after-review';
export const VALID_DIR = path.join(FIXTURES, VALID_ID);

/** Fixture folder as the loader names it in messages (relative to the current directory). */
export function shown(folder: string, file = 'scenario.yaml'): string {
  return path.relative(process.cwd(), path.join(FIXTURES, folder, file));
}

export interface TempScenario {
  /** `<tmp>/<id>`: a copy of the valid fixture. */
  dir: string;
  root: string;
  file: string;
  text: string;
  write(text: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A copy of the valid fixture in a temporary folder, so a test can break it. */
export async function tempScenario(edit?: (text: string) => string, parent: string = os.tmpdir()): Promise<TempScenario> {
  const root = await mkdtemp(path.join(parent, 'netbreak-scenario-'));
  const dir = path.join(root, VALID_ID);
  await cp(VALID_DIR, dir, { recursive: true });
  const file = path.join(dir, 'scenario.yaml');
  const text = await readFile(file, 'utf8');
  if (edit) await writeFile(file, edit(text));
  return {
    dir,
    root,
    file,
    text,
    write: (t) => writeFile(file, t),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Replaces exactly one occurrence, failing loudly when the fixture changed. */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(from)} in the fixture`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** A folder in memory (tmpfs) when the machine has one, for tests that write thousands of files. */
export function fastTempParent(): string {
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs: the ordinary temporary folder
  }
  return os.tmpdir();
}
