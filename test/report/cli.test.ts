// `netbreak progress` and `netbreak report` as a learner runs them, with the
// history in a temporary NETBREAK_DATA_DIR. No lab and no root needed.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { ensureBuilt } from '../history/built.js';
import { rec } from '../history/fixtures.js';
import { findAll, parseXml } from './xml.js';
import { tempDir } from '../helpers/temp-dir.js';

function dataDir(lines: string[] = []): { env: Record<string, string>; dir: string } {
  const dir = tempDir('nb-data-');
  if (lines.length) fs.writeFileSync(path.join(dir, 'history.jsonl'), `${lines.join('\n')}\n`);
  return { dir, env: { NETBREAK_DATA_DIR: dir, NETBREAK_STATE_DIR: path.join(dir, 'state') } };
}

const today = new Date().toISOString().slice(0, 10);
const history = [
  rec({ id: 'aaaa111111', scenario: 'friday-merge', title: 'Zero trust, step one', layers: ['networkpolicy'], score: 100, day: '2024-05-01' }),
  rec({ id: 'bbbb222222', scenario: 'after-the-pentest', layers: ['networkpolicy', 'dns'], score: 30, fixed: false, day: today }),
];

beforeAll(ensureBuilt, 180_000);

describe('netbreak progress', () => {
  it('with no history, says to start with netbreak list', async () => {
    const { env } = dataDir();
    const r = await netbreak(['progress'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/netbreak list/);
    expect((await netbreak(['progress', '--json'], env)).json()).toMatchObject({ sessions: 0, layers: [], suggestion: null });
  });

  it('shows mastery per layer with bars, the streak, the weakest layers and a next scenario; a corrupt line only warns', async () => {
    const { env } = dataDir([JSON.stringify(history[0]), '{not json', JSON.stringify(history[1])]);
    const r = await netbreak(['progress'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*history\.jsonl:2 is not valid JSON/);
    expect(r.stdout).toMatch(/2 sessions, 1 fixed by you; streak 1 day/);
    expect(r.stdout).toMatch(/^LAYER\s+SESSIONS\s+FIXED\s+AVG SCORE\s+MASTERY$/m);
    expect(r.stdout).toMatch(/^dns\s+1\s+0\s+30\s+█▌░+ 15%$/m);
    expect(r.stdout).toMatch(/^networkpolicy\s+2\s+1\s+65\s+[█▏▎▍▌▋▊▉░]{10} 58%$/m);
    expect(r.stdout).toMatch(/Weakest\s+dns, networkpolicy/);
    expect(r.stdout).toMatch(/Next\s+netbreak start \S+/);
    expect(r.stdout).toMatch(/bbbb222222/);
    const j = (await netbreak(['progress', '--json'], env)).json();
    expect(j).toMatchObject({ sessions: 2, weakest: ['dns', 'networkpolicy'], streaks: { current: 1 }, warnings: [expect.stringMatching(/not valid JSON/)] });
    expect(j.suggestion.id).toMatch(/^[a-z0-9-]+$/);
  });
});

describe('netbreak report', () => {
  it('writes the most recent session as self-contained HTML', async () => {
    const { env, dir } = dataDir(history.map((h) => JSON.stringify(h)));
    const out = path.join(dir, 'report.html');
    const r = await netbreak(['report', '--format', 'html', '-o', out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*report\.html: html report of session bbbb222222/);
    const doc = parseXml(fs.readFileSync(out, 'utf8'));
    expect(findAll(doc, 'svg')).toHaveLength(1);
    expect(findAll(doc, 'section').filter((s) => s.attrs.id === 'session-bbbb222222')).toHaveLength(1);
  });

  it('prints JUnit for every session, and Markdown for one session by id prefix', async () => {
    const { env } = dataDir(history.map((h) => JSON.stringify(h)));
    const junit = await netbreak(['report', '--all', '--format', 'junit'], env);
    expect(junit.code).toBe(0);
    const doc = parseXml(junit.stdout);
    expect(findAll(doc, 'testsuite')).toHaveLength(2);
    expect(Number(doc.attrs.tests)).toBe(findAll(doc, 'testcase').length);
    const md = await netbreak(['report', '--session', 'aaaa'], env);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# netbreak report/);
    expect(md.stdout).toMatch(/## Zero trust, step one \(friday-merge\)/);
    expect((await netbreak(['report', '--json'], env)).json().sessions[0].id).toBe('bbbb222222');
  });

  it('says what to do when there is nothing to report or the flags are wrong', async () => {
    const empty = await netbreak(['report'], dataDir().env);
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim().split('\n')).toHaveLength(1);
    expect(empty.stderr).toMatch(/netbreak stop/);
    const { env, dir } = dataDir(history.map((h) => JSON.stringify(h)));
    const unknown = await netbreak(['report', '--session', 'zzz'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--session zzz is not in the history/);
    expect((await netbreak(['report', '--format', 'pdf'], env)).code).toBe(2);
    expect((await netbreak(['report', '--all', '--session', 'a'], env)).code).toBe(2);
    const noDir = await netbreak(['report', '-o', path.join(dir, 'missing', 'r.md')], env);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/does not exist/);
  });
});
