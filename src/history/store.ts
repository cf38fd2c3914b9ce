// The history file: one JSON line per finished session, appended and never
// rewritten. Each line goes out in one write(2) on an O_APPEND descriptor, so
// two `netbreak stop`s at once each add a whole line; a line torn by a crash or
// edited by hand is skipped with a warning when read, never fatal.
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, HISTORY_FILE, sudoOwner, type DataOwner } from './data-dir.js';
import { HistoryRecord } from './record.js';

export interface HistoryRead {
  /** Valid sessions in the order they were appended, each id once (the first line wins). */
  records: HistoryRecord[];
  /** One sentence per line that was skipped. */
  warnings: string[];
}

export interface HistoryLocation {
  file: string;
  /** Under sudo: the learner who should own what is created. */
  owner?: DataOwner;
}

export function defaultHistory(env: NodeJS.ProcessEnv = process.env): HistoryLocation {
  const owner = sudoOwner(env);
  return { file: path.join(dataDir(env, owner), HISTORY_FILE), owner };
}

/** Creates the folder (and its parents) and, under sudo, hands every folder it made to the learner. */
export function ensureDir(dir: string, owner: DataOwner | undefined): void {
  const first = fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (!first || !owner) return;
  for (let d = dir; ; d = path.dirname(d)) {
    chownQuietly(d, owner);
    if (d === first || d === path.dirname(d)) break;
  }
}

export function chownQuietly(file: string, owner: DataOwner): void {
  try {
    fs.chownSync(file, owner.uid, owner.gid);
  } catch {
    // Not fatal: the learner can still read a root-owned file.
  }
}

/** Whether the file ends in the middle of a line (a write torn by a crash): the next line must start on its own. */
function endsMidLine(fd: number): boolean {
  const { size } = fs.fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/**
 * Appends one session. Returns false when a session with the same id is
 * already there (a `stop` retried after a failure).
 */
export function appendHistory(record: HistoryRecord, location: HistoryLocation = defaultHistory()): boolean {
  const parsed = HistoryRecord.parse(record);
  ensureDir(path.dirname(location.file), location.owner);
  if (readHistory(location.file).records.some((r) => r.id === parsed.id)) return false;
  const existed = fs.existsSync(location.file);
  const fd = fs.openSync(location.file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  try {
    // Reading the last byte through the append descriptor needs O_RDWR; a second descriptor is simpler.
    const reader = fs.openSync(location.file, 'r');
    let prefix = '';
    try {
      if (endsMidLine(reader)) prefix = '\n';
    } finally {
      fs.closeSync(reader);
    }
    const line = Buffer.from(`${prefix}${JSON.stringify(parsed)}\n`, 'utf8');
    let written = 0;
    while (written < line.length) written += fs.writeSync(fd, line, written, line.length - written);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (!existed && location.owner) chownQuietly(location.file, location.owner);
  return true;
}

/** Every readable session of the history file; a missing file is an empty history. */
export function readHistory(file: string = defaultHistory().file): HistoryRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], warnings: [] };
    throw error;
  }
  return parseHistory(text, file);
}

export function parseHistory(text: string, file: string): HistoryRead {
  const records: HistoryRecord[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      warnings.push(`${where} is not valid JSON (a torn or edited line): skipped`);
      return;
    }
    const parsed = HistoryRecord.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      warnings.push(`${where} is not a netbreak session (${issue ? `${issue.path.join('.') || 'line'}: ${issue.message}` : 'unknown shape'}): skipped`);
      return;
    }
    if (seen.has(parsed.data.id)) return;
    seen.add(parsed.data.id);
    records.push(parsed.data);
  });
  return { records, warnings };
}
