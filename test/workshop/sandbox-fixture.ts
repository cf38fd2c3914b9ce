// An attendee's sandbox for tests: their home and state folder, made for the
// attendees' host user (nobody when the tests run as root, else the test's own
// user), and a way to type a script into their shell and read what it printed.
// Every escape test also runs its script outside the sandbox, as the same host
// user, to show the escape would work there: the sandbox is what stops it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type AttendeeShellOptions, attendeeShellCommand } from '../../src/workshop/sandbox/attendee-shell.js';
import { giveToAttendee, runAsAttendee } from '../../src/workshop/sandbox/identity.js';
import { cliForOrdinaryUsers, isRoot } from '../helpers/root.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const made: string[] = [];
const install = isRoot ? cliForOrdinaryUsers(ROOT) : { dir: ROOT, remove: () => {} };
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  install.remove();
});

/** A folder the attendees' host user owns (0700), in a parent every user may enter. */
export function attendeeDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  giveToAttendee(dir);
  return dir;
}

export interface Attendee {
  options: AttendeeShellOptions;
}

export function newAttendee(name: string, over: Partial<AttendeeShellOptions> = {}): Attendee {
  const base = attendeeDir(`nb-sbx-${name}-`);
  fs.chmodSync(base, 0o755);
  const home = path.join(base, 'home');
  const stateDir = path.join(base, 'state');
  for (const dir of [home, stateDir]) {
    fs.mkdirSync(dir, { mode: 0o700 });
    giveToAttendee(dir);
  }
  return { options: { attendee: name, lab: name, home, stateDir, install: install.dir, ...over } };
}

export interface ShellRun {
  status: number | null;
  output: string;
}

/** Starts the attendee's shell (its pipes, not a terminal) and types `script`, then `exit`. */
export function startShell(attendee: Attendee, script: string): { child: ChildProcess; done: Promise<ShellRun> } {
  const command = attendeeShellCommand(attendee.options);
  const child = spawn(command.file, command.args, { env: command.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  child.stdin!.end(`${script}\nexit\n`);
  const done = new Promise<ShellRun>((resolve) => child.on('exit', (status) => resolve({ status, output })));
  return { child, done };
}

/** Runs `script` in the attendee's sandboxed shell and returns what it printed. */
export function inShell(attendee: Attendee, script: string): Promise<ShellRun> {
  return startShell(attendee, script).done;
}

/** Runs `script` with bash as the attendees' host user, outside any sandbox. */
export function outside(script: string): ShellRun {
  const [file, ...args] = runAsAttendee(['bash', '-c', script]);
  const result = spawnSync(file!, args, { encoding: 'utf8', cwd: '/' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The line `label=VALUE` a script printed (`echo label=$?`), or undefined. */
export function reported(run: ShellRun, label: string): string | undefined {
  return new RegExp(`^${label}=(.*)$`, 'm').exec(run.output)?.[1];
}
