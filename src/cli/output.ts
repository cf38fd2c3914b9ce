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
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ' },
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

/** "3m12s", "45s": how kubectl prints ages. */
export function age(since: string | undefined, now = Date.now()): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  const h = Math.floor(s / 3600);
  return h < 48 ? `${h}h${Math.floor((s % 3600) / 60)}m` : `${Math.floor(h / 24)}d`;
}

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
