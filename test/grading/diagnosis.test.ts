import { describe, expect, it } from 'vitest';
import { DEFAULT_HINT_COST, diagnosisChoices, hintCosts, normalizeObjectRef, scoreDiagnosis } from '../../src/grading/diagnosis.js';
import type { Scenario } from '../../src/scenario/schema.js';

const key: Scenario['diagnosis'] = {
  layer: 'networkpolicy',
  object: 'NetworkPolicy/shop/default-deny-egress',
  cause: 'egress-dns-blocked',
  causes: {
    'egress-dns-blocked': 'Egress to the cluster DNS on port 53 is not allowed',
    'coredns-down': 'The CoreDNS pods are not running',
    'wrong-port': 'The api Service targets the wrong port',
    'selector-mismatch': 'The api Service selects no pods',
  },
  evidence: {
    question: 'Which port must the frontend be allowed to send to?',
    answer: '53',
    format: 'port',
    accept: [],
    reveal: 'netbreak get netpol -n shop -o yaml',
  },
};
const right = { layer: 'networkpolicy', object: 'NetworkPolicy/shop/default-deny-egress', cause: 'egress-dns-blocked', evidence: '53' };

describe('scoreDiagnosis', () => {
  it('gives 10 + 20 + 35 + 35 for a right answer without hints', () => {
    const s = scoreDiagnosis(key, right, 0, []);
    expect(s).toEqual({
      parts: {
        layer: { correct: true, expected: 'networkpolicy', given: 'networkpolicy', points: 10, max: 10 },
        object: { correct: true, expected: key.object, given: key.object, points: 20, max: 20 },
        cause: { correct: true, expected: 'egress-dns-blocked', given: 'egress-dns-blocked', points: 35, max: 35 },
        evidence: { correct: true, expected: '53', given: '53', points: 35, max: 35 },
      },
      points: 100,
      max: 100,
      hintPenalty: 0,
      total: 100,
    });
  });

  it('scores each part on its own', () => {
    const s = scoreDiagnosis(key, { ...right, layer: 'dns', cause: 'coredns-down' }, 0, []);
    expect([s.parts.layer.correct, s.parts.object.correct, s.parts.cause.correct, s.parts.evidence.correct]).toEqual([false, true, false, true]);
    expect(s.parts.layer).toMatchObject({ expected: 'networkpolicy', given: 'dns', points: 0 });
    expect(s.points).toBe(55);
    expect(s.total).toBe(55);
  });

  it('weighs the evidence as much as the cause: a lucky cause without the fact scores no more than the fact without the cause', () => {
    const guessed = scoreDiagnosis(key, { ...right, evidence: '8080' }, 0, []);
    const looked = scoreDiagnosis(key, { ...right, cause: 'coredns-down' }, 0, []);
    expect(guessed.parts.evidence).toMatchObject({ correct: false, expected: '53', given: '8080', points: 0 });
    expect(guessed.points).toBe(65);
    expect(looked.points).toBe(guessed.points);
  });

  it('accepts the kind in any case or as a kubectl short name, but names exactly', () => {
    for (const object of [
      'networkpolicy/shop/default-deny-egress',
      'NETWORKPOLICY/shop/default-deny-egress',
      'netpol/shop/default-deny-egress',
      'networkpolicies/shop/default-deny-egress',
      ' NetworkPolicy/shop/default-deny-egress ',
    ]) {
      expect(scoreDiagnosis(key, { ...right, object }, 0, []).parts.object.correct, object).toBe(true);
    }
    for (const object of [
      'NetworkPolicy/Shop/default-deny-egress',
      'NetworkPolicy/shop/Default-Deny-Egress',
      'NetworkPolicy/default-deny-egress',
      'default-deny-egress',
      'Service/shop/default-deny-egress',
      '',
    ]) {
      expect(scoreDiagnosis(key, { ...right, object }, 0, []).parts.object.correct, object).toBe(false);
    }
    expect(normalizeObjectRef('svc/shop/api')).toBe('Service/shop/api');
    expect(normalizeObjectRef('ns/shop')).toBe('Namespace/shop');
  });

  it('compares layer and cause without regard to case or surrounding spaces', () => {
    const s = scoreDiagnosis(key, { ...right, layer: ' NetworkPolicy', cause: 'Egress-DNS-Blocked ' }, 0, []);
    expect(s.points).toBe(100);
  });

  it('takes off the cost of each hint used, 10 for a plain hint', () => {
    expect(scoreDiagnosis(key, right, 2, [10, 25, 10]).hintPenalty).toBe(35);
    expect(scoreDiagnosis(key, right, 2, [10, 25, 10]).total).toBe(65);
    expect(scoreDiagnosis(key, right, 3, []).hintPenalty).toBe(3 * DEFAULT_HINT_COST);
    expect(scoreDiagnosis(key, right, 0, [50]).hintPenalty).toBe(0);
  });

  it('never goes below zero', () => {
    const s = scoreDiagnosis(key, { layer: 'dns', object: 'x', cause: 'y', evidence: 'z' }, 3, [40, 40, 40]);
    expect(s.points).toBe(0);
    expect(s.hintPenalty).toBe(120);
    expect(s.total).toBe(0);
    expect(scoreDiagnosis(key, { ...right, cause: 'wrong-port' }, 3, [25, 20, 20]).total).toBe(0);
  });

  it('reads hint costs from the scenario', () => {
    expect(hintCosts(['a', { text: 'b', cost: 25 }, 'c', { text: 'd', cost: 0 }])).toEqual([10, 25, 10, 0]);
  });
});

describe('diagnosisChoices', () => {
  it('lists every cause id once', () => {
    expect(diagnosisChoices(key, 1).sort()).toEqual(Object.keys(key.causes).sort());
  });

  it('is the same for the same seed, whatever the order in the file', () => {
    const reordered = { ...key, causes: Object.fromEntries(Object.entries(key.causes).reverse()) };
    for (const seed of [0, 1, 42, 2 ** 31, -7]) {
      expect(diagnosisChoices(key, seed)).toEqual(diagnosisChoices(key, seed));
      expect(diagnosisChoices(reordered, seed)).toEqual(diagnosisChoices(key, seed));
    }
  });

  it('is stable across releases for a given seed', () => {
    // Sessions store only the seed; changing this order would reshuffle saved sessions.
    expect(diagnosisChoices(key, 42)).toEqual(['coredns-down', 'wrong-port', 'egress-dns-blocked', 'selector-mismatch']);
  });

  it('moves the right answer around as the seed changes', () => {
    const positions = new Set<number>();
    for (let seed = 0; seed < 50; seed++) positions.add(diagnosisChoices(key, seed).indexOf(key.cause));
    expect(positions.size).toBe(4);
  });
});
