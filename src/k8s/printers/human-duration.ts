// Ages as kubectl prints them: apimachinery's duration.HumanDuration (two or
// three significant figures) and the printers' translateTimestampSince.

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** `d` in milliseconds, shown as "45s", "5m12s", "3h4m", "2d5h", "3y12d": apimachinery's HumanDuration. */
export function humanDuration(ms: number): string {
  // Go truncates towards zero; up to a second in the future counts as now (clock skew between machines).
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 2 * MINUTE) return `${seconds}s`;
  const minutes = Math.trunc(seconds / MINUTE);
  if (minutes < 10) return withRest(minutes, 'm', seconds % MINUTE, 's');
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.trunc(seconds / HOUR);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(seconds / DAY);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(seconds / YEAR);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRest(major: number, majorUnit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${rest}${restUnit}`;
}

/**
 * How long ago `timestamp` (RFC 3339) was, as the AGE and LAST SEEN columns show it; "<unknown>" when it is unset.
 * A Kubernetes timestamp has whole seconds (metav1.Time), so a stored fraction is dropped as the API server would.
 */
export function timestampSince(timestamp: string | undefined | null, nowMs: number): string {
  if (!timestamp) return '<unknown>';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '<unknown>';
  return humanDuration(nowMs - Math.floor(at / 1000) * 1000);
}
