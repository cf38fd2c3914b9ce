// The room's rules as plain functions: joining, merging reports that arrive in
// any order, restarts, the end of the workshop, ranking, seeds and exports.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/workshop/duration.js';
import { exportCsv, exportJson } from '../../src/workshop/export.js';
import { formatJoinCode, newJoinCode, normalizeJoinCode } from '../../src/workshop/join-code.js';
import { createRoom, endRoom, isRejection, joinRoom, recordEvent, roomOpen, type Room } from '../../src/workshop/room.js';
import { buildBoard } from '../../src/workshop/scoreboard.js';
import { workshopSeed } from '../../src/workshop/seeds.js';
import { mergeSummaries, type SessionSummary, type WorkshopEvent } from '../../src/workshop/session-summary.js';
import { newSession } from './session-fixture.js';

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function room(durationMs?: number): Room {
  return createRoom({
    title: 'Room',
    scenarios: [
      { id: 'friday-merge', title: 'A' },
      { id: 'after-the-pentest', title: 'B' },
    ],
    durationMs,
    now: T0,
  });
}

function join(r: Room, name: string) {
  const joined = joinRoom(r, { code: r.joinCode, name }, T0);
  if (isRejection(joined)) throw new Error(joined.error);
  return joined.attendee;
}

function summary(over: Partial<SessionSummary> = {}): SessionSummary {
  return newSession({ id: 'aaaaaa0001', seed: 7, startedAt: at(0), ...over });
}

const event = (type: WorkshopEvent['type'], over: Partial<SessionSummary> = {}): WorkshopEvent => ({ type, session: summary(over) });

describe('joining', () => {
  it('needs the join code, a valid name that is not taken, and an open room', () => {
    const r = room(60_000);
    expect(joinRoom(r, { code: 'WRONG-CODE', name: 'alice' }, T0)).toMatchObject({ status: 403 });
    expect(joinRoom(r, { code: r.joinCode.toLowerCase().replace('-', ''), name: 'alice' }, T0)).toMatchObject({ attendee: { name: 'alice' } });
    expect(joinRoom(r, { code: r.joinCode, name: 'alice' }, T0)).toMatchObject({ status: 409, error: expect.stringMatching(/name alice is taken.*--name/) });
    expect(joinRoom(r, { code: r.joinCode, name: 'Alice Smith' }, T0)).toMatchObject({ status: 400, error: expect.stringMatching(/lower-case letters/) });
    expect(joinRoom(r, { code: r.joinCode, name: 'bob' }, T0 + 61_000)).toMatchObject({ status: 409, error: expect.stringMatching(/ended/) });
  });

  it('hands each attendee their own seed per scenario, the same on every ask', () => {
    const r = room();
    const alice = joinRoom(r, { code: r.joinCode, name: 'alice' }, T0);
    const bob = joinRoom(r, { code: r.joinCode, name: 'bob' }, T0);
    if (isRejection(alice) || isRejection(bob)) throw new Error('join failed');
    expect(Object.keys(alice.seeds)).toEqual(['friday-merge', 'after-the-pentest']);
    expect(alice.seeds['friday-merge']).not.toBe(bob.seeds['friday-merge']);
    expect(alice.seeds['friday-merge']).not.toBe(alice.seeds['after-the-pentest']);
    expect(workshopSeed(r.secret, alice.attendee.id, 'friday-merge')).toBe(alice.seeds['friday-merge']);
    for (const seed of Object.values(alice.seeds)) expect(seed).toBeGreaterThanOrEqual(1);
  });

  it('join codes are 8 unambiguous characters, typed in any case with or without the dash', () => {
    const code = newJoinCode();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(formatJoinCode(normalizeJoinCode(code.toLowerCase()))).toBe(code);
  });
});

describe('reports', () => {
  it('merge to the same cell whatever order they arrive in', () => {
    const reports = [
      event('started'),
      event('hint', { hintsUsed: 1 }),
      event('diagnosed', { hintsUsed: 1, diagnosis: { total: 90, points: 100, at: at(60) } }),
      event('checked', {
        hintsUsed: 1,
        diagnosis: { total: 90, points: 100, at: at(60) },
        checks: 1,
        lastCheck: { at: at(90), passed: true },
        fixedAt: at(90),
      }),
    ];
    const cells = [reports, [...reports].reverse(), [reports[2]!, reports[0]!, reports[3]!, reports[1]!]].map((order) => {
      const r = room();
      const alice = join(r, 'alice');
      for (const e of order) expect(recordEvent(r, alice, e, T0 + 100_000)).toBeUndefined();
      return buildBoard(r, T0 + 100_000).rows[0]!.cells['friday-merge'];
    });
    expect(cells[1]).toEqual(cells[0]);
    expect(cells[2]).toEqual(cells[0]);
    expect(cells[0]).toMatchObject({ score: 90, hints: 1, fixed: true, timeMs: 90_000, attempts: 1, lastCheckPassed: true });
  });

  it('keep the first diagnosis and the first fix, and never count down', () => {
    const a = summary({ hintsUsed: 2, diagnosis: { total: 80, points: 100, at: at(10) }, fixedAt: at(20), checks: 3 });
    const b = summary({ hintsUsed: 1, diagnosis: { total: 100, points: 100, at: at(30) }, fixedAt: at(40), checks: 1 });
    expect(mergeSummaries(a, b)).toMatchObject({ hintsUsed: 2, diagnosis: { total: 80 }, fixedAt: at(20), checks: 3 });
    expect(mergeSummaries(b, a)).toEqual(mergeSummaries(a, b));
  });

  it('a later session replaces the cell and counts an attempt; a report of the older one only goes to the log', () => {
    const r = room();
    const alice = join(r, 'alice');
    recordEvent(r, alice, event('checked', { fixedAt: at(50), checks: 1, lastCheck: { at: at(50), passed: true } }), T0 + 60_000);
    recordEvent(r, alice, event('started', { id: 'bbbbbb0002', startedAt: at(100) }), T0 + 101_000);
    recordEvent(r, alice, event('stopped', { stoppedAt: at(55) }), T0 + 102_000);
    const cell = buildBoard(r, T0 + 103_000).rows[0]!.cells['friday-merge']!;
    expect(cell).toMatchObject({ sessionId: 'bbbbbb0002', fixed: false, attempts: 2, stoppedAt: null });
    expect(r.events.map((e) => e.type)).toEqual(['checked', 'started', 'stopped']);
  });

  it('are refused for a scenario the room does not play, and once the room has ended', () => {
    const r = room(600_000);
    const alice = join(r, 'alice');
    expect(recordEvent(r, alice, event('started', { scenario: 'fridays-two-changes' }), T0)).toMatchObject({
      status: 422,
      error: expect.stringMatching(/not part of this workshop/),
    });
    expect(roomOpen(r, T0 + 599_000)).toBe(true);
    expect(recordEvent(r, alice, event('started'), T0 + 600_000)).toMatchObject({
      status: 409,
      error: expect.stringMatching(/ended at 2025-03-01T09:10:00\.000Z/),
    });
    const r2 = room();
    const bob = join(r2, 'bob');
    endRoom(r2, T0 + 5000);
    expect(recordEvent(r2, bob, event('started'), T0 + 6000)).toMatchObject({ status: 409 });
    expect(r2.endedAt).toBe(at(5));
  });
});

describe('the board and the exports', () => {
  function played(): Room {
    const r = room();
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => join(r, n));
    // bob fixed one in 100 s with 70 points; alice fixed one in 50 s with 70 points; carol used solve; dave only started.
    recordEvent(
      r,
      bob!,
      event('checked', {
        id: 'b1b1b1b1',
        lab: 'bob',
        diagnosis: { total: 70, points: 80, at: at(30) },
        fixedAt: at(100),
        checks: 2,
        lastCheck: { at: at(100), passed: true },
      }),
      T0,
    );
    recordEvent(
      r,
      alice!,
      event('checked', {
        id: 'a1a1a1a1',
        diagnosis: { total: 70, points: 80, evidence: true, at: at(30) },
        fixedAt: at(50),
        hintsUsed: 1,
        checks: 1,
        lastCheck: { at: at(50), passed: true },
      }),
      T0,
    );
    recordEvent(
      r,
      carol!,
      event('solved', {
        id: 'c1c1c1c1',
        lab: 'carol',
        diagnosis: { total: 100, points: 100, at: at(30) },
        fixedAt: at(40),
        solvedWithReference: true,
        checks: 1,
        lastCheck: { at: at(40), passed: true },
      }),
      T0,
    );
    recordEvent(r, dave!, event('started', { id: 'd1d1d1d1', lab: 'dave', scenario: 'after-the-pentest' }), T0);
    return r;
  }

  it('ranks by fixes, then points, then the time the fixes took; solve earns no fix', () => {
    const board = buildBoard(played(), T0 + 200_000);
    expect(board.rows.map((r) => [r.rank, r.name, r.fixed, r.score])).toEqual([
      [1, 'alice', 1, 70],
      [2, 'bob', 1, 70],
      [3, 'carol', 0, 100],
      [4, 'dave', 0, 0],
    ]);
    expect(board.rows[2]!.cells['friday-merge']).toMatchObject({ fixed: false, solved: true });
    expect(board.rows[3]!.cells['after-the-pentest']).toMatchObject({ timeMs: null, score: null, evidence: null });
    // Whether the evidence was found shows apart from the score; a client that did not say shows nothing.
    expect(board.rows[0]!.cells['friday-merge']).toMatchObject({ evidence: true });
    expect(board.rows[1]!.cells['friday-merge']).toMatchObject({ evidence: null });
    expect(board.rows[3]!.cells['friday-merge']).toBeNull();
  });

  it('exports one CSV row per attendee and scenario played, with the assigned seed beside the one played', () => {
    const r = played();
    const csv = exportCsv(r, T0 + 200_000);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'rank,attendee,scenario,assigned_seed,seed,backend,started_at,diagnosed_at,diagnosis_score,evidence_correct,hints,checks,fixed,solved_with_reference,fixed_at,time_s,stopped_at,attempts',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(
      /^1,alice,friday-merge,\d+,7,netns,2025-03-01T09:00:00\.000Z,2025-03-01T09:00:30\.000Z,70,true,1,1,true,false,2025-03-01T09:00:50\.000Z,50,,1$/,
    );
    expect(lines[4]).toMatch(/^4,dave,after-the-pentest,/);
    const json = exportJson(r, T0 + 200_000) as { rows: unknown[]; events: unknown[]; attendees: { name: string }[] };
    expect(json.rows).toHaveLength(4);
    expect(json.events).toHaveLength(4);
    expect(json.attendees.map((a) => a.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(JSON.stringify(json)).not.toContain(r.secret);
  });
});

describe('durations', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['1h30m', 90 * 60_000],
    ['2h', 7_200_000],
    ['45s', 45_000],
    ['1H', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '90', 'm', '1h 30m', '-5m', '0m', 'soon'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it('says it back briefly', () => {
    expect(formatDuration(90 * 60_000)).toBe('1h30m');
    expect(formatDuration(45_000)).toBe('45s');
  });
});
