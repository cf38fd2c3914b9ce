// The first program inside an attendee's sandbox (launched by launcher-main.ts through
// bubblewrap): it opens the relays to the lab's API server and the room (relay.ts) on
// the sandbox's own loopback, then runs the attendee's shell and ends as it does.
// Usage: node inside-main.js KUBECONFIG API_SOCKET ROOM_PORT|- ROOM_SOCKET -- COMMAND…
import { spawn } from 'node:child_process';
import os from 'node:os';
import { followApiPort, relayLoopbackToUnix } from './relay.js';

const [kubeconfig, apiSocket, roomPort, roomSocket, separator, ...command] = process.argv.slice(2);
if (!kubeconfig || !apiSocket || !roomPort || !roomSocket || separator !== '--' || command.length === 0) {
  console.error('usage: inside-main.js KUBECONFIG API_SOCKET ROOM_PORT|- ROOM_SOCKET -- COMMAND…');
  process.exit(2);
}
followApiPort(kubeconfig, apiSocket);
if (roomPort !== '-') relayLoopbackToUnix(Number(roomPort), roomSocket);
// The shell takes the terminal (its own process group in the foreground): Ctrl-C and resizes go to it, not here.
for (const signal of ['SIGINT', 'SIGQUIT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) process.on(signal, () => {});
const shell = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
for (const signal of ['SIGHUP', 'SIGTERM'] as const) process.on(signal, () => shell.kill(signal));
shell.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
shell.on('error', (error) => {
  console.error(`netbreak: cannot start the shell: ${error.message}`);
  process.exit(127);
});
