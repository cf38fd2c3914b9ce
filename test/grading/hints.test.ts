import { expect, it } from 'vitest';
import { hintCost, hintText } from '../../src/grading/hints.js';
import { hintCosts, scoreDiagnosis } from '../../src/grading/diagnosis.js';

const hints = ['Does the name resolve?', { text: 'Egress rules apply to DNS too.', cost: 25 }, { text: 'Look at port 53.', cost: 0 }];

it('shows the text of plain and costed hints', () => {
  expect(hints.map(hintText)).toEqual(['Does the name resolve?', 'Egress rules apply to DNS too.', 'Look at port 53.']);
});

it('a plain hint costs the default, a costed one its own cost (zero included)', () => {
  expect(hints.map(hintCost)).toEqual([10, 25, 0]);
});

it('the cost a hint announces is what the diagnosis score deducts', () => {
  const evidence = { question: 'Which port?', answer: '53', format: 'port' as const, accept: [], reveal: 'netbreak get netpol -n shop' };
  const key = { layer: 'dns' as const, object: 'NetworkPolicy/shop/deny', cause: 'a', causes: { a: 'A', b: 'B', c: 'C', d: 'D' }, evidence };
  const answer = { layer: 'dns', object: 'NetworkPolicy/shop/deny', cause: 'a', evidence: '53' };
  for (let used = 0; used <= hints.length; used++) {
    const announced = hints.slice(0, used).reduce((sum, h) => sum + hintCost(h), 0);
    expect(scoreDiagnosis(key, answer, used, hintCosts(hints)).hintPenalty).toBe(announced);
  }
});
