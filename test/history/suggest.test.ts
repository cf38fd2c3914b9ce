import { describe, expect, it } from 'vitest';
import { layerMastery, weakestLayers } from '../../src/history/mastery.js';
import { summarizeProgress } from '../../src/history/progress.js';
import type { HistoryRecord } from '../../src/history/record.js';
import { utcDay } from '../../src/history/streaks.js';
import { readyDifficulty, suggestNext, type LibraryEntry } from '../../src/history/suggest.js';
import { rec } from './fixtures.js';

const LIBRARY: LibraryEntry[] = [
  { id: 'friday-merge', title: 'Zero trust', layers: ['networkpolicy'], difficulty: 'beginner' },
  { id: 'after-the-pentest', title: 'DNS eaten', layers: ['networkpolicy', 'dns'], difficulty: 'beginner' },
  { id: 'afternoon-deploy', title: 'Selects nobody', layers: ['service', 'endpoints'], difficulty: 'beginner' },
  { id: 'stale-kube-proxy', title: 'Stale rules', layers: ['kube-proxy', 'service'], difficulty: 'intermediate' },
  { id: 'coredns-forward-loop', title: 'Loop', layers: ['dns'], difficulty: 'intermediate' },
  { id: 'catalog-never-finishes', title: 'MTU', layers: ['cni'], difficulty: 'advanced' },
];

function suggest(history: HistoryRecord[], library = LIBRARY) {
  const m = layerMastery(history);
  return suggestNext(history, m, weakestLayers(m), library);
}

describe('suggestNext', () => {
  it('targets the weakest layer with an unplayed scenario at the difficulty the learner is ready for', () => {
    const history = [
      rec({ scenario: 'friday-merge', layers: ['networkpolicy'], score: 100 }),
      rec({ scenario: 'afternoon-deploy', layers: ['service', 'endpoints'], score: 20, fixed: false }),
    ];
    // service is weak; stale-kube-proxy covers it but is intermediate; the learner has not mastered service at beginner.
    const s = suggest(history)!;
    expect(s.targets).toContain('service');
    expect(s.id).toBe('afternoon-deploy'); // the only beginner service scenario: replayed rather than jumping a level
    expect(s.reason).toMatch(/weakest/);
    expect(s.reason).toMatch(/played 1 time before/);
  });

  it('prefers an unplayed scenario at the right level over a replay', () => {
    const library = [
      ...LIBRARY,
      { id: 'dns-nxdomain-typo', title: 'Typo', layers: ['dns'], difficulty: 'beginner' as const },
      { id: 'dns-a', title: 'A', layers: ['dns'], difficulty: 'beginner' as const },
    ];
    const history = [
      rec({ scenario: 'dns-a', layers: ['dns'], score: 30, fixed: false, difficulty: 'beginner' }),
      rec({ scenario: 'friday-merge', layers: ['networkpolicy'], score: 100 }),
    ];
    const s = suggest(history, library)!;
    expect(s.id).not.toBe('dns-a');
    expect(['after-the-pentest', 'dns-nxdomain-typo']).toContain(s.id); // both unplayed beginner dns: the first id
    expect(s.id).toBe('after-the-pentest');
    expect(s.plays).toBe(0);
    expect(s.reason).toMatch(/not played yet/);
  });

  it('with no weak layer, moves to layers never tried', () => {
    const history = [rec({ scenario: 'friday-merge', layers: ['networkpolicy'], score: 100 })];
    const s = suggest(history)!;
    expect(s.reason).toMatch(/not tried yet/);
    expect(s.difficulty).toBe('beginner');
    expect(['after-the-pentest', 'afternoon-deploy']).toContain(s.id);
  });

  it('with every layer mastered, goes up a difficulty', () => {
    const library = LIBRARY.slice(0, 2).concat({ id: 'np-hard', title: 'Hard', layers: ['networkpolicy'], difficulty: 'intermediate' });
    const history = [
      rec({ scenario: 'friday-merge', layers: ['networkpolicy'], score: 100 }),
      rec({ scenario: 'after-the-pentest', layers: ['networkpolicy', 'dns'], score: 90 }),
    ];
    expect(readyDifficulty('networkpolicy', history)).toBe('intermediate');
    expect(suggest(history, library)!.id).toBe('np-hard');
  });

  it('suggests nothing without a library', () => {
    expect(suggest([rec()], [])).toBeNull();
  });
});

describe('summarizeProgress', () => {
  it('puts mastery, weakest layers, untried layers, streaks and a suggestion together', () => {
    const history = [
      rec({ scenario: 'friday-merge', layers: ['networkpolicy'], score: 100, day: '2024-05-08' }),
      rec({ scenario: 'after-the-pentest', layers: ['networkpolicy', 'dns'], score: 40, fixed: false, day: '2024-05-09' }),
      rec({ scenario: 'after-the-pentest', layers: ['networkpolicy', 'dns'], score: 70, solvedWithReference: true, day: '2024-05-10' }),
    ];
    const p = summarizeProgress(history, LIBRARY, new Date('2024-05-10T20:00:00Z'), utcDay);
    expect(p.sessions).toBe(3);
    expect(p.fixed).toBe(1);
    expect(p.weakest).toEqual(['dns', 'networkpolicy']);
    expect(p.untried).toEqual(['service', 'endpoints', 'kube-proxy', 'cni']);
    expect(p.streaks).toMatchObject({ current: 3, longest: 3 });
    // dns is not mastered at beginner yet: the beginner dns scenario again (a new variant) before the intermediate one.
    expect(p.suggestion).toMatchObject({ id: 'after-the-pentest', difficulty: 'beginner', plays: 2 });
  });

  it('an empty history has no suggestion and no layers', () => {
    expect(summarizeProgress([], LIBRARY)).toMatchObject({ sessions: 0, layers: [], weakest: [], suggestion: null, streaks: { current: 0 } });
  });
});
