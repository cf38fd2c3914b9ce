import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/history/session.js';
import { recordFinishedSession } from '../../src/history/finish.js';
import { readHistory } from '../../src/history/store.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function session(over: Partial<Session> = {}): Session {
  return {
    scenario: 'friday-merge',
    scenarioDir: path.join(ROOT, 'scenarios/friday-merge'),
    lab: 'netbreak',
    backend: 'netns',
    seed: 3,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    hintsUsed: 0,
    journal: [],
    checks: [],
    ...over,
  };
}

describe('recordFinishedSession (what netbreak stop calls)', () => {
  it('appends the stopped session to the history', async () => {
    const file = path.join(tempDir('nb-finish-'), 'history.jsonl');
    const result = await recordFinishedSession(session(), new Date(), { file });
    expect(result).toMatchObject({ file, appended: true });
    const { records } = readHistory(file);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: (result as { id: string }).id, scenario: 'friday-merge', title: 'The Friday merge', layers: ['networkpolicy'] });
  });

  it('records a session whose scenario folder is gone with what the session knows', async () => {
    const file = path.join(tempDir('nb-finish-'), 'history.jsonl');
    await recordFinishedSession(session({ scenarioDir: '/nonexistent/scenario' }), new Date(), { file });
    expect(readHistory(file).records[0]).toMatchObject({ scenario: 'friday-merge', title: 'friday-merge', key: null });
  });

  it('skips a start that never finished, and warns instead of failing when the history cannot be written', async () => {
    const dir = tempDir('nb-finish-');
    expect(await recordFinishedSession(session({ status: 'starting' }), new Date(), { file: path.join(dir, 'h.jsonl') })).toHaveProperty('skipped');
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, '');
    const result = await recordFinishedSession(session(), new Date(), { file: path.join(blocker, 'history.jsonl') });
    expect(result).toHaveProperty('warning');
    expect((result as { warning: string }).warning).toMatch(/not added to the history/);
  });
});
