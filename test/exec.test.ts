// run(): a program that cannot be run is "missing" (a MissingBinaryError callers can probe for), not a crash.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingBinaryError, run } from '../src/exec.js';

describe('run', () => {
  let dir: string;
  const pathBefore = process.env.PATH;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-exec-'));
  });
  afterEach(() => {
    process.env.PATH = pathBefore;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a program on no PATH folder is missing', async () => {
    process.env.PATH = dir;
    await expect(run(['nb-no-such-program'])).rejects.toThrow(new MissingBinaryError('nb-no-such-program'));
  });

  // execvp says EACCES when the only match may not be run, or a PATH folder is closed to the user (root's PATH under runuser).
  it('a program found only where this user may not run it is missing too, and says so', async () => {
    fs.writeFileSync(path.join(dir, 'nb-tool'), '#!/bin/sh\necho ran\n', { mode: 0o644 });
    process.env.PATH = dir;
    const error = await run(['nb-tool']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingBinaryError);
    expect((error as Error).message).toBe('nb-tool is not installed where this user may run it');
  });

  it('an executable found later on PATH runs', async () => {
    const later = path.join(dir, 'later');
    fs.mkdirSync(later);
    fs.writeFileSync(path.join(dir, 'nb-tool'), '#!/bin/sh\necho first\n', { mode: 0o644 });
    fs.writeFileSync(path.join(later, 'nb-tool'), '#!/bin/sh\necho later\n', { mode: 0o755 });
    process.env.PATH = `${dir}:${later}`;
    expect((await run(['nb-tool'])).stdout).toBe('later\n');
  });
});
