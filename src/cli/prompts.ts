// Every interactive question netbreak asks goes through this module, which also
// turns Ctrl-C into a clean "cancelled" error; tests replace this one module.
import { confirm, input, select } from '@inquirer/prompts';
import { UserError } from '../errors.js';

function cancelled(error: unknown): never {
  if ((error as Error).name === 'ExitPromptError') throw new UserError('cancelled', 130);
  throw error;
}

export async function choose(message: string, choices: { name: string; value: string; description?: string }[]): Promise<string> {
  return select({ message, choices, pageSize: 12 }).catch(cancelled);
}

/** A free-text answer; an empty one is asked again. */
export async function ask(message: string): Promise<string> {
  return input({ message, validate: (v) => v.trim() !== '' || 'type an answer (what the lab showed you)' }).catch(cancelled);
}

export async function yesNo(message: string, defaultValue = false): Promise<boolean> {
  return confirm({ message, default: defaultValue }).catch(cancelled);
}

export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}
