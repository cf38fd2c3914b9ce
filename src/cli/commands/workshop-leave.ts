import type { Command } from 'commander';
import { membershipFile } from '../../workshop/files.js';
import { readMembership, readOutbox, removeMembership } from '../../workshop/membership.js';
import { printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  let name: string | undefined;
  let unsent = 0;
  try {
    name = readMembership()?.attendee.name;
    unsent = readOutbox().pending.length;
  } catch {
    // A damaged membership is exactly what leave is for.
  }
  const left = removeMembership();
  if (command.optsWithGlobals().json) return printJson({ left, name: name ?? null, unsentDropped: unsent });
  if (!left) return println('You are not in a workshop.');
  println(`Left the workshop${name ? ` (you were ${name})` : ''}; your scores stay on the scoreboard. Removed ${membershipFile()}.`);
  if (unsent) println(`${unsent} report(s) that had not reached the server were dropped.`);
}
