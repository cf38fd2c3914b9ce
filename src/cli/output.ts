// Everything the CLI prints goes through here: JSON for --json, otherwise text
// with colours that obey NO_COLOR (picocolors checks it) and kubectl-style tables.
import Table from 'cli-table3';
import pc from 'picocolors';

export const color = pc;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function println(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A borderless table with upper-case headings, the way kubectl prints. */
export function kubectlTable(head: string[], rows: string[][]): string {
  const table = new Table({
    head,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '   ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

export function mark(pass: boolean): string {
  return pass ? pc.green('✓') : pc.red('✗');
}

/** "45s", "3m12s", "25m", "5h30m", "20h", "3d4h": how kubectl prints ages (apimachinery's HumanDuration). */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(s / 3600);
  const d = Math.floor(h / 24);
  const join = (a: string, b: number, unit: string) => (b ? `${a}${b}${unit}` : a);
  if (s < 120) return `${s}s`;
  if (m < 10) return join(`${m}m`, s % 60, 's');
  if (m < 180) return `${m}m`;
  if (h < 8) return join(`${h}h`, m % 60, 'm');
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return join(`${d}d`, h % 24, 'h');
  if (h < 24 * 365 * 2) return `${d}d`;
  if (h < 24 * 365 * 8) return join(`${Math.floor(d / 365)}y`, d % 365, 'd');
  return `${Math.floor(d / 365)}y`;
}

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
