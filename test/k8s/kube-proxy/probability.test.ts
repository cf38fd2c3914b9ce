import { expect, it } from 'vitest';
import { probability } from '../../../src/k8s/kube-proxy/probability.js';

it('prints 1/n with ten decimals like Go %0.10f', () => {
  expect(probability(2)).toBe('0.5000000000');
  expect(probability(3)).toBe('0.3333333333');
  expect(probability(6)).toBe('0.1666666667');
  expect(probability(1000)).toBe('0.0010000000');
});

it('rounds an exact tie to even as Go does (toFixed would give ...813)', () => {
  expect(probability(2048)).toBe('0.0004882812');
});
