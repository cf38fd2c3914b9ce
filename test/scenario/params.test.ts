import { describe, expect, it } from 'vitest';
import {
  ParamsSection,
  REFERENCE_SEED,
  drawParams,
  firstParams,
  hasChoiceOf,
  paramNames,
  paramsText,
  seededRandom,
  variantCount,
  variantsToCheck,
} from '../../src/scenario/params.js';

const SPEC = {
  namespace: { choose: ['shop', 'store', 'market'] },
  port: { choose: [8080, 8000, 9090] },
  node: { choose: ['worker', 'worker2'] },
};

describe('seededRandom', () => {
  it('draws the same sequence for the same seed and stream, on every run and platform', () => {
    const a = seededRandom(42, 'namespace');
    const b = seededRandom(42, 'namespace');
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    // Pinned: changing the generator would change every learner's variant for a seed.
    expect(seqA.map((x) => Math.floor(x * 1000))).toEqual([631, 456, 972, 991, 410]);
    expect(drawParams(SPEC, 42)).toEqual({ namespace: 'store', port: 8080, node: 'worker' });
  });

  it('draws different sequences for different seeds and streams, always in [0, 1)', () => {
    const first = (seed: number, stream: string) => seededRandom(seed, stream)();
    expect(first(1, 'x')).not.toBe(first(2, 'x'));
    expect(first(1, 'x')).not.toBe(first(1, 'y'));
    const r = seededRandom(-7, 's');
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('spreads the first draw of consecutive seeds evenly over the choices', () => {
    const counts = [0, 0, 0];
    for (let seed = 1; seed <= 3000; seed++) counts[Math.floor(seededRandom(seed, 'namespace')() * 3)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });
});

describe('drawParams', () => {
  it('gives the same variant for the same seed, and different variants across seeds', () => {
    expect(drawParams(SPEC, 7)).toEqual(drawParams(SPEC, 7));
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) seen.add(paramsText(drawParams(SPEC, seed)));
    expect(seen.size).toBe(variantCount(SPEC)); // 18: every combination turns up
  });

  it('picks values only from the choices, with their own types', () => {
    for (let seed = 1; seed < 50; seed++) {
      const v = drawParams(SPEC, seed);
      expect(SPEC.namespace.choose).toContain(v.namespace);
      expect(SPEC.port.choose).toContain(v.port);
      expect(typeof v.port).toBe('number');
    }
  });

  it('seed 0 is the reference variant: the first choice of each', () => {
    expect(REFERENCE_SEED).toBe(0);
    expect(drawParams(SPEC, 0)).toEqual({ namespace: 'shop', port: 8080, node: 'worker' });
    expect(firstParams(SPEC)).toEqual(drawParams(SPEC, 0));
  });

  it('keeps the other parameters of a seed when one is added (each has its own stream)', () => {
    const { node: _, ...fewer } = SPEC;
    for (let seed = 1; seed < 30; seed++) {
      const { node: __, ...rest } = drawParams(SPEC, seed);
      expect(drawParams(fewer, seed)).toEqual(rest);
    }
  });

  it('is empty for a scenario without params', () => {
    expect(drawParams(undefined, 5)).toEqual({});
    expect(variantCount(undefined)).toBe(1);
    expect(variantsToCheck(undefined)).toEqual([{}]);
  });
});

describe('variantsToCheck', () => {
  it('lists every combination, the reference variant first, when there are few', () => {
    const all = variantsToCheck(SPEC);
    expect(all).toHaveLength(18);
    expect(all[0]).toEqual(firstParams(SPEC));
    expect(new Set(all.map(paramsText)).size).toBe(18);
  });

  it('samples a bounded number when there are many, with every choice of every parameter at least once', () => {
    const big = {
      a: { choose: Array.from({ length: 10 }, (_, i) => `a${i}`) },
      b: { choose: Array.from({ length: 10 }, (_, i) => i) },
      c: { choose: ['x', 'y', 'z'] },
    };
    const some = variantsToCheck(big, 40);
    expect(some).toHaveLength(40);
    expect(some[0]).toEqual(firstParams(big));
    for (const [name, p] of Object.entries(big)) for (const choice of p.choose) expect(some.some((v) => v[name] === choice)).toBe(true);
    expect(new Set(some.map(paramsText)).size).toBe(40);
  });
});

describe('grouped choices', () => {
  const NODES = {
    nodes: {
      choose: [
        { faulty: 'worker2', peer: 'worker', peerCIDR: '10.244.1.0/24' },
        { faulty: 'worker', peer: 'worker2', peerCIDR: '10.244.2.0/24' },
      ],
    },
    port: { choose: [8080, 9090] },
  };

  it('set every field of one choice as name.field, drawn together', () => {
    expect(firstParams(NODES)).toEqual({ 'nodes.faulty': 'worker2', 'nodes.peer': 'worker', 'nodes.peerCIDR': '10.244.1.0/24', port: 8080 });
    for (let seed = 1; seed < 50; seed++) {
      const v = drawParams(NODES, seed);
      expect(NODES.nodes.choose.map((c) => c.faulty)).toContain(v['nodes.faulty']);
      expect(v['nodes.peer']).not.toBe(v['nodes.faulty']);
      expect(hasChoiceOf('nodes', NODES.nodes, v)).toBe(true);
    }
    expect(paramNames('nodes', NODES.nodes)).toEqual(['nodes.faulty', 'nodes.peer', 'nodes.peerCIDR']);
    expect(hasChoiceOf('nodes', NODES.nodes, { 'nodes.faulty': 'worker2', 'nodes.peer': 'worker2', 'nodes.peerCIDR': '10.244.1.0/24' })).toBe(false);
  });

  it('count as one parameter in the variants', () => {
    expect(variantCount(NODES)).toBe(4);
    expect(variantsToCheck(NODES).map(paramsText)).toEqual([
      'nodes.faulty=worker2, nodes.peer=worker, nodes.peerCIDR=10.244.1.0/24, port=8080',
      'nodes.faulty=worker2, nodes.peer=worker, nodes.peerCIDR=10.244.1.0/24, port=9090',
      'nodes.faulty=worker, nodes.peer=worker2, nodes.peerCIDR=10.244.2.0/24, port=8080',
      'nodes.faulty=worker, nodes.peer=worker2, nodes.peerCIDR=10.244.2.0/24, port=9090',
    ]);
    const sampled = variantsToCheck(NODES, 3);
    expect(sampled).toHaveLength(3);
    for (const choice of NODES.nodes.choose) expect(sampled.some((v) => v['nodes.faulty'] === choice.faulty)).toBe(true);
  });
});

describe('ParamsSection', () => {
  it('accepts choices of text and numbers, or groups of them', () => {
    expect(ParamsSection.safeParse(SPEC).success).toBe(true);
    expect(ParamsSection.safeParse({ nodes: { choose: [{ node: 'worker', cidr: '10.244.1.0/24', index: 1 }] } }).success).toBe(true);
  });

  it.each([
    [{ Namespace: { choose: ['a'] } }, 'must be a name such as namespace'],
    [{ ns: { choose: [] } }, 'Too small'],
    [{ ns: { choose: ['a', 'a'] } }, 'lists the same choice twice'],
    [{ ns: { choose: ['{{ params.x }}'] } }, 'cannot use a placeholder'],
    [{ ns: { choose: ['two\nlines'] } }, 'must be one line of text'],
    [{ ns: { choose: [true] } }, 'Invalid input'],
    [{ ns: { pick: ['a'] } }, 'Unrecognized key'],
    [{ nodes: { choose: [{ node: 'a' }, { host: 'b' }] } }, 'mixes choices of different shapes'],
    [{ nodes: { choose: [{ node: 'a' }, 'b'] } }, 'mixes choices of different shapes'],
    [
      {
        nodes: {
          choose: [
            { node: 'a', cidr: 'x' },
            { cidr: 'x', node: 'a' },
          ],
        },
      },
      'lists the same choice twice',
    ],
    [{ nodes: { choose: [{}] } }, 'must have 1 to 8 fields'],
    [{ nodes: { choose: [{ Node: 'a' }] } }, 'must be a name such as node or podCIDR'],
    [{ nodes: { choose: [{ node: { deeper: 1 } }] } }, 'Invalid input'],
  ])('refuses %j', (spec, message) => {
    const result = ParamsSection.safeParse(spec);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toContain(message);
  });
});
