import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { LAB_NAME_PATTERN } from '../../lab/state.js';
import { joinWorkshop, parseJoinUrl, WorkshopRefusedError, WorkshopUnreachableError } from '../../workshop/client.js';
import { membershipFile } from '../../workshop/files.js';
import { readMembership, writeMembership, type Membership } from '../../workshop/membership.js';
import { color, printJson, println } from '../output.js';

export async function run(url: string, options: { name: string; code?: string }, command: Command): Promise<void> {
  const existing = readMembership();
  if (existing) {
    throw new UserError(`you already joined "${existing.room.title}" as ${existing.attendee.name} at ${existing.server}: run "netbreak workshop leave" first`);
  }
  if (!LAB_NAME_PATTERN.test(options.name))
    throw new UserError(`--name ${options.name} is not valid: use 1–20 lower-case letters, digits and dashes (it also names your lab)`);
  const { server, code } = parseJoinUrl(url, options.code);
  let membership: Membership;
  try {
    membership = await joinWorkshop(server, code, options.name);
  } catch (error) {
    if (error instanceof WorkshopUnreachableError) throw new UserError(`${error.message}: check the URL and that you are on the trainer's network`, 4);
    if (error instanceof WorkshopRefusedError) throw new UserError(`the workshop server refused to join: ${error.message}`);
    throw error;
  }
  writeMembership(membership);
  const scenarios = membership.room.scenarios;
  if (command.optsWithGlobals().json) {
    return printJson({
      server: membership.server,
      room: membership.room,
      name: membership.attendee.name,
      seeds: membership.seeds,
      lab: membership.attendee.name,
      file: membershipFile(),
    });
  }
  println(`Joined ${color.bold(membership.room.title)} as ${color.bold(membership.attendee.name)}.`);
  println(`Scenarios: ${scenarios.map((s) => `${s.id} (${s.title})`).join(', ')}.`);
  println(
    `Your lab is named ${membership.attendee.name}, and each scenario is your own variant; start, hint, diagnose, check, solve and stop report to the scoreboard.`,
  );
  println(`Start with: netbreak start ${scenarios[0]!.id}`);
}
