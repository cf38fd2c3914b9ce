// Which lab a command acts on: the one named by --lab, or the only one running.
import { LabNotRunningError } from '../lab/backend.js';
import { netnsBackend } from '../lab/netns/backend.js';
import type { NetnsLab } from '../lab/netns/netns-lab.js';
import { UserError } from './errors.js';

export const DEFAULT_LAB = 'netbreak';

export async function resolveLabName(requested?: string): Promise<string> {
  if (requested) return requested;
  const labs = await netnsBackend.labs();
  if (labs.length === 0) throw new UserError('no lab is running: start one with "netbreak start <scenario>" (see "netbreak list")', 4);
  if (labs.length > 1) throw new UserError(`several labs are running (${labs.join(', ')}): say which with --lab NAME`, 2);
  return labs[0]!;
}

export async function attachLab(requested?: string): Promise<NetnsLab> {
  const name = await resolveLabName(requested);
  try {
    return await netnsBackend.attach(name);
  } catch (error) {
    if (error instanceof LabNotRunningError) throw new UserError(error.message, 4);
    throw error;
  }
}
