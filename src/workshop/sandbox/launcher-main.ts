// The program the room spawns in an attendee's pseudo-terminal (attendee-shell.ts),
// as the attendees' host user: it opens the outer ends of the relays (relay.ts) in a
// folder of its own under the attendee's state folder, runs the sandbox with
// bubblewrap on the same terminal, and ends as the sandbox does, removing the folder.
// When it ends first (the room kills it), bubblewrap's --die-with-parent ends the sandbox.
// Usage: node launcher-main.js OPTIONS-JSON
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AttendeeShellOptions, relaySockets, sandboxArgv } from './attendee-shell.js';
import { apiPortOf, relayUnixToLoopback } from './relay.js';

const options = JSON.parse(process.argv[2] ?? '{}') as AttendeeShellOptions;
const runtimeDir = path.join(options.stateDir, `shell-${process.pid}`);
fs.rmSync(runtimeDir, { recursive: true, force: true });
fs.mkdirSync(runtimeDir, { mode: 0o700 });
const removeRuntime = () => fs.rmSync(runtimeDir, { recursive: true, force: true });
process.on('exit', removeRuntime);

const sockets = relaySockets(runtimeDir);
const kubeconfig = path.join(options.stateDir, 'labs', options.lab, 'kubeconfig');
await relayUnixToLoopback(sockets.api, () => apiPortOf(kubeconfig));
if (options.roomPort !== undefined) {
  const roomPort = options.roomPort;
  await relayUnixToLoopback(sockets.room, () => roomPort);
}

const [bwrap, ...args] = sandboxArgv(options, runtimeDir);
// The shell inside takes the terminal's foreground; these stay with it.
for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) process.on(signal, () => {});
const sandbox = spawn(bwrap!, args, { stdio: 'inherit' });
for (const signal of ['SIGHUP', 'SIGTERM'] as const)
  process.on(signal, () => {
    sandbox.kill('SIGKILL');
    process.exit(128 + os.constants.signals[signal]);
  });
sandbox.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
sandbox.on('error', (error) => {
  console.error(`netbreak: cannot start the attendee's sandbox: ${error.message}`);
  process.exit(125);
});
