// How long a workshop room stays open: "90m", "1h30m", "2h", "45s", as a trainer
// would say it on the command line.
const PART = /(\d+)(h|m|s)/g;
const WHOLE = /^(?:\d+(?:h|m|s))+$/;
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1000 } as const;

/** Milliseconds, or undefined when the text is not a duration such as 90m or 1h30m. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!WHOLE.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

/** "1h30m", "45m", "30s": the shortest way to say it back. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s && !h ? `${s}s` : ''}`;
  return text || '0s';
}
