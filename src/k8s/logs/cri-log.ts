// Container logs as kubelet keeps them (the CRI log format: one line per record,
// `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`, P for a partial line), and
// the selection `kubectl logs` asks of them: --tail, --since/--since-time,
// --limit-bytes and --timestamps, answered as kubelet answers them.

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  time: string;
  stream: LogStream;
  /** A line the container had not finished (no newline yet when it was cut). */
  partial: boolean;
  text: string;
}

/** Nanosecond RFC 3339 time as kubelet writes it; JavaScript clocks give milliseconds, the rest is zeros. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function formatRecord(record: LogRecord): string {
  return `${record.time} ${record.stream} ${record.partial ? 'P' : 'F'} ${record.text}\n`;
}

export function parseRecord(line: string): LogRecord | undefined {
  const match = /^(\S+) (stdout|stderr) ([PF]) (.*)$/s.exec(line);
  if (!match) return undefined;
  return { time: match[1]!, stream: match[2] as LogStream, partial: match[3] === 'P', text: match[4]! };
}

/**
 * Turns a stream's chunks into records: one per complete line, stamped when its
 * first byte arrived. A line longer than `maxLine` is cut into partial records,
 * as kubelet cuts its 16 KiB lines.
 */
export class LineRecorder {
  private pending = '';
  private since?: Date;

  constructor(
    private readonly stream: LogStream,
    private readonly maxLine = 16 * 1024,
    private readonly now: () => Date = () => new Date(),
  ) {}

  push(chunk: Buffer | string): LogRecord[] {
    if (!this.pending) this.since = this.now();
    this.pending += chunk.toString();
    const records: LogRecord[] = [];
    for (;;) {
      const newline = this.pending.indexOf('\n');
      if (newline !== -1 && newline <= this.maxLine) {
        records.push(this.record(this.pending.slice(0, newline), false));
        this.pending = this.pending.slice(newline + 1);
        this.since = this.now();
      } else if (this.pending.length > this.maxLine) {
        records.push(this.record(this.pending.slice(0, this.maxLine), true));
        this.pending = this.pending.slice(this.maxLine);
      } else break;
    }
    return records;
  }

  /** What is left when the stream ends: the last line, without its newline. */
  end(): LogRecord[] {
    if (!this.pending) return [];
    const last = this.record(this.pending, false);
    this.pending = '';
    return [last];
  }

  private record(text: string, partial: boolean): LogRecord {
    return { time: rfc3339Nano(this.since ?? this.now()), stream: this.stream, partial, text };
  }
}

/** The query of a pods/log request (`?follow=true&tailLines=10&sinceSeconds=60&timestamps=true&limitBytes=…`). */
export interface LogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/** Reads the query; an unreadable number is an error message naming the parameter, as kube-apiserver's validation. */
export function logOptions(query: URLSearchParams): LogOptions | { error: string } {
  const flag = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  const options: LogOptions = { follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps') };
  const container = query.get('container');
  if (container) options.container = container;
  for (const name of ['tailLines', 'sinceSeconds', 'limitBytes'] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = Number(raw);
    if (!Number.isInteger(value)) return { error: `${name}: Invalid value: "${raw}": must be an integer` };
    if (name === 'tailLines' ? value < 0 : value < 1)
      return { error: `${name}: Invalid value: ${value}: must be ${name === 'tailLines' ? 'greater than or equal to 0' : 'greater than 0'}` };
    options[name] = value;
  }
  const sinceTime = query.get('sinceTime');
  if (sinceTime) {
    if (Number.isNaN(Date.parse(sinceTime))) return { error: `sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 time` };
    if (options.sinceSeconds !== undefined) return { error: 'sinceTime: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' };
    options.sinceTime = sinceTime;
  }
  return options;
}

/** The earliest record time the request wants, in epoch milliseconds, or undefined for all. */
export function sinceMs(options: LogOptions, now = Date.now()): number | undefined {
  if (options.sinceSeconds !== undefined) return now - options.sinceSeconds * 1000;
  if (options.sinceTime !== undefined) return Date.parse(options.sinceTime);
  return undefined;
}

/** How a record is printed: its text (joined with the next when partial), prefixed by its time with --timestamps. */
export function renderRecord(record: LogRecord, timestamps: boolean): string {
  return `${timestamps ? `${record.time} ` : ''}${record.text}${record.partial ? '' : '\n'}`;
}

/** The records of a log file the request selects, in order: newer than --since, then the last --tail lines. */
export function selectRecords(records: LogRecord[], options: LogOptions, now = Date.now()): LogRecord[] {
  const since = sinceMs(options, now);
  let selected = since === undefined ? records : records.filter((r) => Date.parse(r.time) >= since);
  if (options.tailLines !== undefined) {
    // A line cut into partial records counts once, as kubelet's tail counts lines.
    let start = selected.length;
    for (let lines = 0; lines < options.tailLines && start > 0; lines++) {
      start--;
      while (start > 0 && selected[start - 1]!.partial) start--;
    }
    selected = selected.slice(start);
  }
  return selected;
}
