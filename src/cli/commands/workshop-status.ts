import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { fetchBoard, WorkshopRefusedError, WorkshopUnreachableError } from '../../workshop/client.js';
import { readMembership } from '../../workshop/membership.js';
import { deliver } from '../../workshop/reporter.js';
import type { Board } from '../../workshop/scoreboard.js';
import { color, printJson, println } from '../output.js';

/** Sends what is waiting, then shows the attendee's own row of the board. */
export async function run(_options: unknown, command: Command): Promise<void> {
  const membership = readMembership();
  if (!membership) throw new UserError('you are not in a workshop: join one with "netbreak workshop join URL --name NAME"', 1);
  const delivery = await deliver(undefined, 3000, true);
  let board: Board | undefined;
  let problem: string | undefined;
  try {
    board = await fetchBoard(membership.server, 3000);
  } catch (error) {
    if (!(error instanceof WorkshopUnreachableError || error instanceof WorkshopRefusedError)) throw error;
    problem = error.message;
  }
  const row = board?.rows.find((r) => r.name === membership.attendee.name);
  const pending = delivery.status === 'queued' || delivery.status === 'refused' ? delivery.pending : 0;
  const status = {
    server: membership.server,
    reachable: board !== undefined,
    problem: problem ?? null,
    room: membership.room,
    open: board?.room.open ?? null,
    name: membership.attendee.name,
    lab: membership.attendee.name,
    seeds: membership.seeds,
    pending,
    refused: delivery.status === 'refused' ? delivery.reasons : [],
    row: row ?? null,
  };
  if (command.optsWithGlobals().json) return printJson(status);
  println(
    `${color.bold('Workshop')}   ${membership.room.title} at ${membership.server} ${board ? color.green('(reachable)') : color.red(`(unreachable: ${problem})`)}`,
  );
  if (board && !board.room.open) println(`${color.bold('State')}      ended: results are no longer accepted`);
  println(
    `${color.bold('You')}        ${membership.attendee.name} (lab ${membership.attendee.name})${row ? `, rank ${row.rank} of ${board!.rows.length}: ${row.fixed} fixed, ${row.score} points, ${row.hints} hint(s)` : ''}`,
  );
  println(`${color.bold('Scenarios')}  ${membership.room.scenarios.map((s) => `${s.id} (seed ${membership.seeds[s.id]})`).join(', ')}`);
  if (pending) println(`${color.bold('Waiting')}    ${pending} report(s) not delivered yet; the next command sends them`);
  for (const reason of status.refused) println(color.red(`refused: ${reason}`));
}
