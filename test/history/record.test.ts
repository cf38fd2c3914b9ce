import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/history/session.js';
import { runCheck } from '../../src/grading/check.js';
import { expectedCheckItems, HistoryRecord, recordFromSession, sessionId } from '../../src/history/record.js';
import { loadScenario } from '../../src/scenario/loader.js';
import { FakeLab } from '../helpers/fake-lab.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'scenarios/after-the-pentest');

function session(over: Partial<Session> = {}): Session {
  return {
    scenario: 'after-the-pentest',
    scenarioDir: DIR,
    lab: 'netbreak',
    backend: 'netns',
    seed: 42,
    startedAt: '2024-05-01T10:00:00.000Z',
    hintsUsed: 1,
    journal: [],
    status: 'running',
    diagnosis: {
      answer: { layer: 'networkpolicy', object: 'netpol/shop/frontend-egress', cause: 'coredns-down', evidence: '53' }, // the object is set per variant below
      points: 50,
      max: 100,
      total: 40,
      at: '2024-05-01T10:04:00.000Z',
    },
    checks: [
      { at: '2024-05-01T10:06:00.000Z', passed: false },
      { at: '2024-05-01T10:09:30.000Z', passed: true },
    ],
    fixedAt: '2024-05-01T10:09:30.000Z',
    resets: 1,
    ...over,
  };
}

describe('recordFromSession', () => {
  it('keeps what the session did and enough of the scenario for a report', async () => {
    const { scenario } = await loadScenario(DIR, { seed: 42 });
    const [, ns, name] = scenario.diagnosis.object.split('/');
    const base = session();
    const s = { ...base, diagnosis: { ...base.diagnosis!, answer: { ...base.diagnosis!.answer, object: `netpol/${ns}/${name}` } } };
    const r = recordFromSession(s, scenario, new Date('2024-05-01T10:12:00.000Z'));
    expect(HistoryRecord.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      v: 1,
      scenario: 'after-the-pentest',
      title: 'After the pentest',
      layers: ['networkpolicy', 'dns'],
      difficulty: 'beginner',
      seed: 42,
      backend: 'netns',
      hintsUsed: 1,
      hintsTotal: 3,
      resets: 1,
      solvedWithReference: false,
      fixedAt: '2024-05-01T10:09:30.000Z',
      timeToDiagnoseMs: 4 * 60_000,
      timeToFixMs: 9.5 * 60_000,
      stoppedAt: '2024-05-01T10:12:00.000Z',
      // The variant the seed drew (its namespace and names), not the file's first choices.
      key: { layer: scenario.diagnosis.layer, object: scenario.diagnosis.object, cause: scenario.diagnosis.cause },
      symptom: { from: scenario.symptom.from, to: scenario.symptom.to, expect: 'dns-timeout' },
    });
    expect(r.diagnosis?.parts).toMatchObject({ layer: { correct: true }, object: { correct: true }, cause: { correct: false, given: 'coredns-down' } });
    expect(r.diagnosis?.hintPenalty).toBe(10);
    expect(r.checks).toHaveLength(2);
    expect(r.debrief).toMatch(/What happened to the packets/);
  });

  it('gives the same session the same id and another start another id', () => {
    expect(sessionId(session())).toBe(sessionId(session()));
    expect(sessionId(session())).not.toBe(sessionId(session({ startedAt: '2024-05-01T10:00:01.000Z' })));
    expect(sessionId(session())).toMatch(/^[0-9a-f]{10}$/);
  });

  it('records a session whose scenario can no longer be loaded, and keeps per-item check results when the session has them', () => {
    const items = [{ kind: 'verify', description: 'a → b expects success', pass: false, detail: 'timeout: no answer' }];
    const s = session({ diagnosis: undefined, fixedAt: undefined, checks: [{ at: '2024-05-01T10:06:00.000Z', passed: false, items } as never] });
    const r = recordFromSession(s, undefined, new Date('2024-05-01T10:12:00.000Z'));
    expect(r).toMatchObject({ title: 'after-the-pentest', layers: [], key: null, symptom: null, diagnosis: null, timeToDiagnoseMs: null, timeToFixMs: null });
    expect(r.checks[0]!.items).toEqual(items);
  });

  it('describes the check items exactly as netbreak check does', async () => {
    for (const id of ['after-the-pentest', 'friday-merge', 'afternoon-deploy']) {
      const { scenario } = await loadScenario(path.join(ROOT, 'scenarios', id));
      const report = await runCheck(new FakeLab(), scenario);
      expect(expectedCheckItems(scenario)).toEqual(report.items.map((i) => ({ kind: i.kind, description: i.description })));
    }
  });
});
