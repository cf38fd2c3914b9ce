// The workshop's own JSON files (membership, saved room): absent is normal, damaged
// is the user's to fix, and the sentence says which file and what to do.
import fs from 'node:fs';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { firstIssue } from './zod-issue.js';

/** `what` names the content ("a workshop membership"), `fix` the way out of a damaged file. */
export function readJsonFile<T extends z.ZodType>(file: string, schema: T, what: string, fix: string): z.infer<T> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`${file} is not valid JSON: ${fix}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UserError(`${file} is not ${what} (${firstIssue(parsed.error)}): ${fix}`);
  return parsed.data;
}
