// Deleting a kind cluster throws away minutes of work and pulled images: ask, unless --yes.
import { UserError } from '../errors.js';
import { interactive, yesNo } from './prompts.js';

export async function confirmClusterDeletion(cluster: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!interactive()) throw new UserError(`deleting kind cluster ${cluster} needs a yes: run again with --yes`);
  return yesNo(`Delete kind cluster ${cluster} (netbreak created it; the next start creates it again, which takes a minute or two)?`);
}
