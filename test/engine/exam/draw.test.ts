// The exam draw: a pure function of the library and the seed.
import { describe, expect, it } from 'vitest';
import { drawExam, weights, type ExamCandidate } from '../../../src/engine/exam/draw.js';
import type { ExamTask } from '../../../src/history/exam-record.js';

const s = (
  id: string,
  layers: ExamCandidate['layers'],
  difficulty: ExamCandidate['difficulty'],
  backends: ExamCandidate['backends'] = ['netns', 'kind'],
): ExamCandidate => ({
  id,
  title: id,
  layers,
  difficulty,
  backends,
});

const LIBRARY: ExamCandidate[] = [
  s('dns-a', ['dns'], 'beginner'),
  s('dns-b', ['dns'], 'intermediate'),
  s('dns-c', ['dns', 'networkpolicy'], 'advanced'),
  s('pol-a', ['networkpolicy'], 'beginner'),
  s('pol-b', ['networkpolicy'], 'intermediate'),
  s('svc-a', ['service'], 'beginner'),
  s('svc-b', ['service', 'endpoints'], 'advanced'),
  s('kp-a', ['kube-proxy'], 'intermediate'),
  s('kp-b', ['kube-proxy'], 'advanced'),
  s('node-a', ['node-firewall'], 'advanced', ['netns']),
  s('kind-only', ['cni'], 'beginner', ['kind']),
];

function tasks(options: Partial<Parameters<typeof drawExam>[1]> = {}): ExamTask[] {
  const draw = drawExam(LIBRARY, { seed: 7, count: 4, layers: [], backend: 'netns', ...options });
  if ('problem' in draw) throw new Error(draw.problem);
  return draw.tasks;
}

describe('drawing an exam', () => {
  it('draws the same scenarios, variants and order for the same seed, whatever order the library is listed in', () => {
    const first = tasks({ seed: 42 });
    const again = drawExam([...LIBRARY].reverse(), { seed: 42, count: 4, layers: [], backend: 'netns' });
    expect(again).toEqual({ tasks: first });
    expect(first.map((t) => t.seed)).toEqual(tasks({ seed: 42 }).map((t) => t.seed));
  });

  it('draws another exam for another seed', () => {
    const bySeed = new Set(
      [1, 2, 3, 4, 5, 6].map((seed) =>
        tasks({ seed })
          .map((t) => `${t.scenario}@${t.seed}`)
          .join(' '),
      ),
    );
    expect(bySeed.size).toBeGreaterThan(4);
  });

  it('spreads the tasks across layers and difficulties', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const drawn = tasks({ seed, count: 5 });
      // Every task brings a layer the others do not have: five tasks, five layers at least.
      const covered = new Set(drawn.flatMap((t) => t.layers));
      expect(covered.size, `seed ${seed}: ${drawn.map((t) => t.scenario)}`).toBeGreaterThanOrEqual(5);
      expect(new Set(drawn.map((t) => t.difficulty)).size).toBe(3);
    }
  });

  it('respects --count and --layers, and never draws a scenario twice', () => {
    const drawn = tasks({ count: 3, layers: ['dns', 'service'] });
    expect(drawn).toHaveLength(3);
    expect(drawn.every((t) => t.layers.includes('dns') || t.layers.includes('service'))).toBe(true);
    expect(new Set(drawn.map((t) => t.scenario)).size).toBe(3);
  });

  it('draws only scenarios that run on the backend', () => {
    expect(tasks({ count: 10 }).map((t) => t.scenario)).not.toContain('kind-only');
    expect(tasks({ count: 10, backend: 'kind' }).map((t) => t.scenario)).not.toContain('node-a');
  });

  it('says why when the library cannot make the exam', () => {
    expect(drawExam(LIBRARY, { seed: 1, count: 4, layers: ['dns'], backend: 'netns' })).toEqual({
      problem: '--count 4 asks for more scenarios than the 3 the library has with the layers dns on the netns backend',
    });
    expect(drawExam(LIBRARY, { seed: 1, count: 1, layers: ['conntrack'], backend: 'netns' })).toEqual({
      problem: 'no scenario of the library runs with the layers conntrack on the netns backend',
    });
  });

  it('weighs harder tasks more, in whole percents that add up to 100', () => {
    expect(weights(['beginner', 'intermediate', 'advanced'])).toEqual([19, 33, 48]);
    for (const count of [1, 2, 3, 7, 10]) {
      const drawn = tasks({ count, seed: count });
      expect(drawn.reduce((a, t) => a + t.weight, 0)).toBe(100);
    }
    const drawn = tasks({ count: 6, seed: 3 });
    const byDifficulty = (d: string) => drawn.filter((t) => t.difficulty === d).map((t) => t.weight);
    expect(Math.min(...byDifficulty('advanced'))).toBeGreaterThan(Math.max(...byDifficulty('beginner')));
  });
});
