import { describe, expect, it } from 'vitest';
import type { V1LabelSelector } from '@kubernetes/client-node';
import { labelSelectorProblems, matchesLabelSelector } from '../../../src/k8s/netpol/selector.js';

const labels = { app: 'web', tier: 'frontend', env: '' };

describe('matchesLabelSelector', () => {
  const cases: [string, V1LabelSelector | undefined, Record<string, string> | undefined, boolean][] = [
    ['absent selector matches nothing', undefined, labels, false],
    ['empty selector matches everything', {}, labels, true],
    ['empty selector matches an unlabelled object', {}, undefined, true],
    ['empty matchLabels and matchExpressions match everything', { matchLabels: {}, matchExpressions: [] }, labels, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, labels, true],
    ['matchLabels different value', { matchLabels: { app: 'db' } }, labels, false],
    ['matchLabels missing key', { matchLabels: { role: 'x' } }, labels, false],
    ['matchLabels all pairs must hold', { matchLabels: { app: 'web', tier: 'backend' } }, labels, false],
    ['matchLabels with empty value matches empty label', { matchLabels: { env: '' } }, labels, true],
    ['matchLabels empty value does not match a missing key', { matchLabels: { other: '' } }, labels, false],
    ['In hit', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, labels, true],
    ['In miss', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }, labels, false],
    ['In with key absent', { matchExpressions: [{ key: 'role', operator: 'In', values: ['web'] }] }, labels, false],
    ['NotIn hit', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, labels, true],
    ['NotIn miss', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels, false],
    ['NotIn with key absent matches', { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['web'] }] }, labels, true],
    ['Exists hit', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels, true],
    ['Exists on empty-valued label', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, labels, true],
    ['Exists miss', { matchExpressions: [{ key: 'role', operator: 'Exists' }] }, labels, false],
    ['DoesNotExist hit', { matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] }, labels, true],
    ['DoesNotExist miss', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels, false],
    [
      'matchLabels AND matchExpressions: both hold',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
      labels,
      true,
    ],
    [
      'matchLabels AND matchExpressions: expression fails',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] },
      labels,
      false,
    ],
    [
      'several expressions are ANDed',
      {
        matchExpressions: [
          { key: 'app', operator: 'Exists' },
          { key: 'tier', operator: 'DoesNotExist' },
        ],
      },
      labels,
      false,
    ],
    ['does not match inherited object keys', { matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, labels, false],
  ];
  it.each(cases)('%s', (_name, selector, have, want) => {
    expect(matchesLabelSelector(selector, have)).toBe(want);
  });

  it('throws on a selector the API server would reject', () => {
    expect(() => matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, labels)).toThrow(
      /unsupported operator "Equals"/,
    );
    expect(() => matchesLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, labels)).toThrow(/must be non-empty/);
  });
});

describe('labelSelectorProblems', () => {
  it('names the offending field', () => {
    expect(
      labelSelectorProblems(
        {
          matchExpressions: [
            { key: 'a', operator: 'In', values: ['x'] },
            { key: 'b', operator: 'Exists', values: ['x'] },
            { key: 'c', operator: 'notin', values: ['x'] },
          ],
        },
        'spec.podSelector',
      ),
    ).toEqual([
      'spec.podSelector.matchExpressions[1].values: must be empty for operator Exists',
      'spec.podSelector.matchExpressions[2].operator: unsupported operator "notin" (want In, NotIn, Exists or DoesNotExist)',
    ]);
    expect(labelSelectorProblems(undefined, 'x')).toEqual([]);
  });
});
