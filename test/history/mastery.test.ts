import { describe, expect, it } from 'vitest';
import { bar, layerMastery, weakestLayers } from '../../src/history/mastery.js';
import { rec } from './fixtures.js';

describe('layerMastery', () => {
  it('counts a session for every layer of its scenario; a missing diagnosis scores 0; solve is not a fix', () => {
    const history = [
      rec({ layers: ['networkpolicy', 'dns'], score: 100, fixed: true }),
      rec({ layers: ['networkpolicy'], score: 50, fixed: true, solvedWithReference: true }),
      rec({ layers: ['service', 'endpoints'], score: null, fixed: false }),
      rec({ layers: ['dns'], score: 60, fixed: false }),
    ];
    const m = layerMastery(history);
    expect(m.map((l) => l.layer)).toEqual(['dns', 'service', 'endpoints', 'networkpolicy']); // LAYERS order
    expect(m.find((l) => l.layer === 'networkpolicy')).toEqual({
      layer: 'networkpolicy',
      sessions: 2,
      fixed: 1,
      diagnosed: 2,
      averageScore: 75,
      mastery: 0.625,
    });
    expect(m.find((l) => l.layer === 'dns')).toEqual({ layer: 'dns', sessions: 2, fixed: 1, diagnosed: 2, averageScore: 80, mastery: 0.65 });
    expect(m.find((l) => l.layer === 'service')).toEqual({ layer: 'service', sessions: 1, fixed: 0, diagnosed: 0, averageScore: 0, mastery: 0 });
  });

  it('names the weakest practised layers, weakest first, only below 80%', () => {
    const history = [
      rec({ layers: ['dns'], score: 100, fixed: true }),
      rec({ layers: ['service'], score: 20, fixed: false }),
      rec({ layers: ['networkpolicy'], score: 100, fixed: false }),
      rec({ layers: ['kube-proxy'], score: 80, fixed: true }),
    ];
    expect(weakestLayers(layerMastery(history))).toEqual(['service', 'networkpolicy']);
    expect(weakestLayers(layerMastery([rec({ layers: ['dns'] })]))).toEqual([]);
  });

  it('keeps layers unknown to this version, after the known ones', () => {
    expect(layerMastery([rec({ layers: ['ebpf', 'dns'] })]).map((l) => l.layer)).toEqual(['dns', 'ebpf']);
  });
});

describe('bar', () => {
  it.each([
    [0, '░░░░░░░░░░'],
    [1, '██████████'],
    [0.5, '█████░░░░░'],
    [0.65, '██████▌░░░'],
    [0.01, '▏░░░░░░░░░'],
    [2, '██████████'],
    [Number.NaN, '░░░░░░░░░░'],
  ])('%s → %s', (f, expected) => {
    expect(bar(f)).toBe(expected);
    expect([...bar(f)]).toHaveLength(10);
  });
});
