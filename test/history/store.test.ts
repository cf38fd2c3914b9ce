import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendHistory, readHistory } from '../../src/history/store.js';
import { rec } from './fixtures.js';
import { ensureBuilt, ROOT } from './built.js';
import { tempDir } from '../helpers/temp-dir.js';

function tmpFile(): string {
  return path.join(tempDir('nb-history-'), 'sub', 'history.jsonl');
}

describe('history store', () => {
  it('appends one line per session and reads them back; a missing file is an empty history', () => {
    const file = tmpFile();
    expect(readHistory(file)).toEqual({ records: [], warnings: [] });
    const a = rec();
    const b = rec({ scenario: 'friday-merge' });
    expect(appendHistory(a, { file })).toBe(true);
    expect(appendHistory(b, { file })).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')).toHaveLength(3); // two lines and the final newline
    expect(readHistory(file)).toEqual({ records: [a, b], warnings: [] });
  });

  it('does not add the same session twice (a retried stop)', () => {
    const file = tmpFile();
    const a = rec();
    appendHistory(a, { file });
    expect(appendHistory({ ...a, stoppedAt: '2024-05-02T00:00:00.000Z' }, { file })).toBe(false);
    expect(readHistory(file).records).toEqual([a]);
  });

  it('skips a corrupt line, a foreign line and a torn last line with a warning each, and appends after a torn line on a line of its own', () => {
    const file = tmpFile();
    const a = rec();
    appendHistory(a, { file });
    fs.appendFileSync(file, 'this is not json\n{"hello":"world"}\n\n{"v":1,"id":"torn","scen');
    const b = rec();
    appendHistory(b, { file });
    const read = readHistory(file);
    expect(read.records).toEqual([a, b]);
    expect(read.warnings).toHaveLength(3);
    expect(read.warnings[0]).toMatch(/history\.jsonl:2 is not valid JSON/);
    expect(read.warnings[1]).toMatch(/history\.jsonl:3 is not a netbreak session/);
    expect(read.warnings[2]).toMatch(/history\.jsonl:5 is not valid JSON/);
  });

  it('reads lines from older or newer versions that carry only the essentials', () => {
    const file = tmpFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `${JSON.stringify({ v: 0, id: 'old', scenario: 'x', startedAt: '2024-01-01T00:00:00Z', stoppedAt: '2024-01-01T00:10:00Z', extra: 1 })}\n`,
    );
    const { records, warnings } = readHistory(file);
    expect(warnings).toEqual([]);
    expect(records[0]).toMatchObject({ id: 'old', layers: [], diagnosis: null, checks: [], fixedAt: null, difficulty: 'beginner' });
  });

  describe('two processes appending at once', () => {
    beforeAll(ensureBuilt, 180_000);

    it('keeps every line whole', async () => {
      const file = tmpFile();
      const run = promisify(execFile);
      const script = (tag: string) => `
        const { appendHistory } = await import(${JSON.stringify(path.join(ROOT, 'dist/history/store.js'))});
        const base = JSON.parse(process.argv[1]);
        for (let i = 0; i < 150; i++) appendHistory({ ...base, id: '${tag}' + i, story: '${tag}'.repeat(3000) }, { file: ${JSON.stringify(file)} });
      `;
      const base = JSON.stringify(rec());
      await Promise.all(['a', 'b'].map((tag) => run(process.execPath, ['--input-type=module', '-e', script(tag), base])));
      const { records, warnings } = readHistory(file);
      expect(warnings).toEqual([]);
      expect(records).toHaveLength(300);
      expect(new Set(records.map((r) => r.id)).size).toBe(300);
      for (const r of records) expect(r.story).toBe(r.id[0]!.repeat(3000));
    });
  });
});
