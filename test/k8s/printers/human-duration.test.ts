import { describe, expect, it } from 'vitest';
import { humanDuration, timestampSince } from '../../../src/k8s/printers/human-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [59 * S, '59s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [5 * M + 12 * S, '5m12s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 4 * M, '3h4m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [3 * 365 * D + 12 * D, '3y12d'],
    [8 * 365 * D + 40 * D, '8y'],
  ])('%d ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('timestampSince', () => {
  const now = Date.parse('2026-12-07T20:00:00.400Z');

  it('counts whole seconds, as a metav1.Time stored without a fraction', () => {
    // 20:00:00.400 - 19:59:58.900 is 1.5 s, but the stored time is 19:59:58: the AGE column says 2s.
    expect(timestampSince('2026-12-07T19:59:58.900Z', now)).toBe('2s');
  });

  it('says <unknown> for a missing or unreadable time', () => {
    expect(timestampSince(undefined, now)).toBe('<unknown>');
    expect(timestampSince(null, now)).toBe('<unknown>');
    expect(timestampSince('yesterday', now)).toBe('<unknown>');
  });
});
