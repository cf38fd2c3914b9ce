import { describe, expect, it } from 'vitest';
import { formatLabels, formatLabelSelector, selectorString } from '../../../src/k8s/printers/label-selector.js';

describe('formatLabels', () => {
  it('sorts the keys and joins key=value pairs', () => {
    expect(formatLabels({ tier: 'web', app: 'shop' })).toBe('app=shop,tier=web');
  });
  it('says <none> for no labels', () => {
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});

describe('selectorString (LabelSelectorAsSelector().String())', () => {
  it('writes matchLabels and matchExpressions sorted by key, values sorted', () => {
    const selector = {
      matchLabels: { tier: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'app', operator: 'Exists' },
        { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
      ],
    };
    expect(selectorString(selector)).toBe('app,!canary,env in (dev,prod),tier=web,zone notin (a,b)');
  });
  it('is empty for a selector that selects everything', () => {
    expect(selectorString({})).toBe('');
  });
  it('says <error> for an operator Kubernetes does not know', () => {
    expect(selectorString({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] })).toBe('<error>');
  });
});

describe('formatLabelSelector (the NetworkPolicy POD-SELECTOR column)', () => {
  it('says <none> for the empty selector that selects every pod', () => {
    expect(formatLabelSelector({})).toBe('<none>');
  });
  it('writes a selector as kubectl shows it', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'api' } })).toBe('app=api');
  });
});
