import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { writeFileAtomically } from '../src/atomic-write.js';
import { tempDir } from './helpers/temp-dir.js';

it('replaces a file whole, with the mode asked for, and leaves no temporary file beside it', () => {
  const dir = tempDir('netbreak-atomic-');
  const file = path.join(dir, 'holder.pid');
  fs.writeFileSync(file, '123456');
  writeFileAtomically(file, '42', { mode: 0o600 });
  expect(fs.readFileSync(file, 'utf8')).toBe('42');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  writeFileAtomically(file, '{"a":1}', { durable: true });
  expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}');
  expect(fs.readdirSync(dir)).toEqual(['holder.pid']);
});
