// The room runs an attendee's lab commands (start, stop, reset, status) with
// netbreak's own CLI, as the trainer's user, in the attendee's folders: the
// same code path an attendee on their own laptop runs, so the lab reports to
// the board through the membership exactly as it does there. They run as the
// attendees' host user (nobody under root), so the attendee's shell can reach the lab.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runAsAttendee } from '../sandbox/identity.js';
import type { AttendeeDirs } from './attendee-dirs.js';

/** bin/netbreak.js of this install (src/ and dist/ are both two folders below the package). */
export const NETBREAK_BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'netbreak.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of the attendee's netbreak: their HOME (so their data folder and membership) and their lab folder. */
export function attendeeEnv(dirs: AttendeeDirs, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  // The trainer's own data folder must not leak in: the attendee's membership is found from HOME.
  delete env.NETBREAK_DATA_DIR;
  delete env.XDG_DATA_HOME;
  // The lab a room starts hides the trainer's and other attendees' files from its pods' shells (lab/netns/lab-confinement.ts).
  return { ...env, HOME: dirs.home, NETBREAK_STATE_DIR: dirs.stateDir, NETBREAK_LAB_CONFINED: '1', NO_COLOR: '1' };
}

export async function runNetbreak(args: string[], dirs: AttendeeDirs, timeoutMs: number): Promise<CliResult> {
  const [file, ...argv] = runAsAttendee([process.execPath, NETBREAK_BIN, ...args]);
  const result = await execa(file!, argv, {
    env: attendeeEnv(dirs),
    extendEnv: false,
    cwd: dirs.home,
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
  });
  const code = typeof result.exitCode === 'number' ? result.exitCode : 1;
  return { code, stdout: String(result.stdout ?? ''), stderr: result.timedOut ? `no answer within ${timeoutMs / 1000} s` : String(result.stderr ?? '') };
}

/** The one sentence a failed command ends with (its error line), for the board and the attendee's page. */
export function lastSentence(result: CliResult): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? `netbreak exited with ${result.code}`;
}
