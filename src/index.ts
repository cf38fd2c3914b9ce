// The error boundary: commands throw, never exit. Known errors become one line
// and an exit code; anything else is a bug and says so.
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';
import { applyWorkshopLab } from './cli/workshop-defaults.js';
import { MissingBinaryError, setExplain } from './exec.js';
import { ClusterAccessError, PreflightError, UserError } from './errors.js';
import { ScenarioError } from './scenario/errors.js';
import { ProbeUrlError } from './lab/probe-url.js';
import { SupervisorError, SupervisorUnreachableError } from './lab/netns/api-client.js';

function fail(message: string, code: number): void {
  process.stderr.write(`netbreak: ${message.replace(/\.?$/, '.')}\n`);
  process.exitCode = code;
}

// `netbreak get pods | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// Ctrl-C exits 130, as shells expect. Commands that must clean up first (start,
// trace captures) add their own handler; this one then stands aside.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

const program = buildProgram();
program.hook('preAction', async (command, action) => {
  if (command.optsWithGlobals().explain) setExplain((line) => process.stderr.write(`$ ${line}\n`));
  await applyWorkshopLab(action);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed its message (unknown flag, missing argument …).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UserError) fail(error.message, error.exitCode);
  else if (error instanceof ScenarioError) fail(error.message, 2);
  else if (error instanceof ProbeUrlError) fail(error.message, 2);
  else if (error instanceof PreflightError) fail(error.message, 3);
  else if (error instanceof ClusterAccessError) fail(error.message, error.exitCode);
  else if (error instanceof MissingBinaryError) fail(`${error.message}: run "netbreak doctor" to see what to install`, 3);
  else if (error instanceof SupervisorError && error.status === 422) fail(error.message, 2);
  else if (error instanceof SupervisorUnreachableError) fail('the lab is not running any more: run "netbreak clean", then start again', 4);
  else {
    process.stderr.write(`netbreak: unexpected error — please report it at https://github.com/netbreak/netbreak/issues with this output:\n`);
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  }
}
