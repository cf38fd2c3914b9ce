import { describe, expect, it } from 'vitest';
import { age, clock, kubectlTable } from '../../src/cli/output.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const ago = (seconds: number) => age(new Date(NOW - seconds * 1000).toISOString(), NOW);

describe('age', () => {
  // The same strings `kubectl get` prints (apimachinery's duration.HumanDuration).
  it.each([
    [0, '0s'],
    [45, '45s'],
    [119, '119s'],
    [120, '2m'],
    [192, '3m12s'],
    [599, '9m59s'],
    [10 * 60 + 30, '10m'],
    [90 * 60, '90m'],
    [179 * 60 + 59, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 30 * 60, '5h30m'],
    [8 * 3600 + 59 * 60, '8h'],
    [47 * 3600, '47h'],
    [48 * 3600, '2d'],
    [3 * 86400 + 4 * 3600, '3d4h'],
    [8 * 86400 + 5 * 3600, '8d'],
    [400 * 86400, '400d'],
    [3 * 365 * 86400 + 10 * 86400, '3y10d'],
    [9 * 365 * 86400, '9y'],
  ])('%i seconds old is %s', (seconds, text) => {
    expect(ago(seconds)).toBe(text);
  });

  it('a clock a little behind does not print a negative age', () => {
    expect(ago(-3)).toBe('0s');
  });

  it('without a creation time it is unknown', () => {
    expect(age(undefined, NOW)).toBe('<unknown>');
  });
});

describe('clock', () => {
  it.each([
    [0, '0:00'],
    [9_999, '0:09'],
    [61_000, '1:01'],
    [3_600_000 + 5_000, '60:05'],
  ])('%i ms is %s', (ms, text) => {
    expect(clock(ms)).toBe(text);
  });
});

describe('kubectlTable', () => {
  const text = kubectlTable(
    ['NAME', 'READY', 'STATUS'],
    [
      ['api-7d9f5-x2kqp', '1/1', 'Running'],
      ['db', '0/1', 'CrashLoopBackOff'],
    ],
  );
  const lines = text.split('\n');

  it('prints the heading then one line per row, with no borders and no trailing spaces', () => {
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS']);
    expect(lines[2]!.split(/\s+/)).toEqual(['db', '0/1', 'CrashLoopBackOff']);
    for (const line of lines) {
      expect(line).not.toMatch(/\s$/);
      expect(line).not.toMatch(/[│┌─|+]/);
    }
  });

  it('aligns every column under its heading, three spaces after the widest cell', () => {
    const col = (heading: string) => lines[0]!.indexOf(heading);
    expect(col('READY')).toBe('api-7d9f5-x2kqp'.length + 3);
    for (const line of lines.slice(1)) {
      expect(line.indexOf(line.split(/\s+/)[1]!, col('READY'))).toBe(col('READY'));
      expect(line.slice(col('STATUS')).trim()).toBe(line.split(/\s+/)[2]);
    }
  });

  it('an empty list prints just the heading', () => {
    expect(kubectlTable(['NAME', 'AGE'], []).split('\n').filter(Boolean)).toHaveLength(1);
  });
});
