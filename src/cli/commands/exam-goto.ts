import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { move } from './exam-move.js';

export async function run(task: string, _options: unknown, command: Command): Promise<void> {
  const number = Number(task);
  if (!Number.isInteger(number)) throw new UserError(`exam goto takes a task number, for example "netbreak exam goto 2" (not ${JSON.stringify(task)})`);
  await move(number, command);
}
