// Replaces a file in one step: a reader (or a crash) sees the old content or the
// new, never half of one. A pid file read half-written is "" → 0, and
// process.kill(0) signals the reader's whole process group.
import fs from 'node:fs';

export interface AtomicWriteOptions {
  /** File mode of the new file (e.g. 0o600 for credentials). */
  mode?: number;
  /** fsync before the rename: the content survives a power cut, not only a crash. */
  durable?: boolean;
}

export function writeFileAtomically(file: string, data: string, options: AtomicWriteOptions = {}): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', options.mode ?? 0o666);
  try {
    fs.writeFileSync(fd, data);
    if (options.durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
