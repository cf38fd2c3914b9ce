// Consecutive days practised. A day is a calendar day in the learner's time
// zone; a streak is still alive if the last practice was yesterday, because
// today is not over yet.

export interface Streaks {
  /** Days in a row up to today, or up to yesterday if not practised yet today. */
  current: number;
  longest: number;
  /** The calendar days practised (YYYY-MM-DD), oldest first. */
  days: string[];
  lastDay: string | null;
}

export type DayKey = (date: Date) => string;

const pad = (n: number) => String(n).padStart(2, '0');
export const localDay: DayKey = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
export const utcDay: DayKey = (d) => d.toISOString().slice(0, 10);

/** The calendar day before `day`; calendar arithmetic in UTC so daylight saving cannot skip or repeat a day. */
function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return utcDay(new Date(Date.UTC(y!, m! - 1, d! - 1)));
}

export function streaks(times: readonly string[], now: Date = new Date(), dayOf: DayKey = localDay): Streaks {
  const days = [
    ...new Set(
      times
        .map((t) => new Date(t))
        .filter((d) => !Number.isNaN(d.getTime()))
        .map(dayOf),
    ),
  ].sort();
  const practised = new Set(days);
  let longest = 0;
  let run = 0;
  let previous: string | undefined;
  for (const day of days) {
    run = previous !== undefined && previousDay(day) === previous ? run + 1 : 1;
    longest = Math.max(longest, run);
    previous = day;
  }
  const today = dayOf(now);
  let cursor = practised.has(today) ? today : previousDay(today);
  let current = 0;
  while (practised.has(cursor)) {
    current++;
    cursor = previousDay(cursor);
  }
  return { current, longest, days, lastDay: days.at(-1) ?? null };
}
