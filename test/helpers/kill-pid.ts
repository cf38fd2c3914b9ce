// SIGKILL for one process a test started, read from a pid file. process.kill
// with 0 or a negative number signals a whole process group, the test run's
// own among them: a pid file read empty must fail the test, never end the run.
import fs from 'node:fs';
import { expect } from 'vitest';

export function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  expect(Number.isInteger(pid) && pid > 0, `not a process id: ${pid}`).toBe(true);
  process.kill(pid, signal);
}

/** The pid a lab wrote to `file`, checked before anything is signalled. */
export function killPidFrom(file: string, signal: NodeJS.Signals = 'SIGKILL'): void {
  killPid(Number(fs.readFileSync(file, 'utf8').trim()), signal);
}
