import { describe, expect, it } from 'vitest';
import { streaks, utcDay } from '../../src/history/streaks.js';

const at = (day: string, time = '12:00:00') => `${day}T${time}.000Z`;
const now = new Date(at('2024-05-10', '18:00:00'));

describe('streaks', () => {
  it.each([
    { name: 'no practice', days: [], current: 0, longest: 0 },
    { name: 'today only', days: ['2024-05-10'], current: 1, longest: 1 },
    { name: 'up to yesterday still counts', days: ['2024-05-08', '2024-05-09'], current: 2, longest: 2 },
    { name: 'a gap of a day breaks it', days: ['2024-05-07', '2024-05-08'], current: 0, longest: 2 },
    { name: 'several sessions a day count once', days: ['2024-05-09', '2024-05-09', '2024-05-10', '2024-05-10'], current: 2, longest: 2 },
    { name: 'longest run in the past', days: ['2024-04-01', '2024-04-02', '2024-04-03', '2024-04-04', '2024-05-10'], current: 1, longest: 4 },
    { name: 'across a month end', days: ['2024-04-29', '2024-04-30', '2024-05-01'], current: 0, longest: 3 },
    { name: 'across a year end', days: ['2023-12-31', '2024-01-01'], current: 0, longest: 2 },
  ])('$name', ({ days, current, longest }) => {
    const s = streaks(
      days.map((d) => at(d)),
      now,
      utcDay,
    );
    expect({ current: s.current, longest: s.longest }).toEqual({ current, longest });
    expect(s.lastDay).toBe(days.length ? [...days].sort().at(-1) : null);
  });

  it('ignores unreadable times', () => {
    expect(streaks(['garbage', at('2024-05-10')], now, utcDay)).toMatchObject({ current: 1, days: ['2024-05-10'] });
  });
});
