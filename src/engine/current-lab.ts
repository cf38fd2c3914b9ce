// Which lab a command acts on: the one named by --lab, or the only one running.
import { LabNotRunningError, UserError } from '../errors.js';
import { backendOfLab, backends } from '../lab/backends.js';
import type { Lab, ProbeRequest, ProbeResult } from '../lab/lab.js';

/** A running lab of any backend, with what status and probe --matrix use beyond the Lab contract. */
export type AttachedLab = Lab & {
  health(): Promise<{ ok: boolean; lastError: string | null }>;
  probeMany(requests: ProbeRequest[]): Promise<(ProbeResult | { error: string })[]>;
};

/** Every lab this user's commands act on, whichever backend made it. */
export async function allLabs(): Promise<string[]> {
  const names = new Set<string>();
  for (const backend of backends) for (const lab of await backend.labs()) names.add(lab);
  return [...names].sort();
}

export const DEFAULT_LAB = 'netbreak';

export async function resolveLabName(requested?: string): Promise<string> {
  if (requested) return requested;
  const labs = await allLabs();
  if (labs.length === 0) throw new UserError('no lab is running: start one with "netbreak start <scenario>" (see "netbreak list")', 4);
  if (labs.length > 1) throw new UserError(`several labs are running (${labs.join(', ')}): say which with --lab NAME`, 2);
  return labs[0]!;
}

/**
 * The kind lab a command means: the one named, else the only cluster netbreak created on this machine (with its
 * lab, or kept after stop). Clusters that outlive their labs are what the backends with keptOnRelease make.
 */
export async function resolveKindLab(requested?: string, flag = '--lab'): Promise<string> {
  if (requested) return requested;
  const labs: string[] = [];
  for (const backend of backends.filter((b) => b.capabilities.keptOnRelease)) labs.push(...(await backend.leftovers()));
  if (labs.length === 0)
    throw new UserError('there is no kind cluster that netbreak created on this machine: make one with "netbreak lab up --backend kind"', 4);
  if (labs.length > 1) throw new UserError(`netbreak created several kind clusters (${labs.join(', ')}): say which with ${flag} NAME`);
  return labs[0]!;
}

export async function attachLab(requested?: string): Promise<AttachedLab> {
  const name = await resolveLabName(requested);
  try {
    return (await backendOfLab(name).attach(name)) as AttachedLab;
  } catch (error) {
    if (error instanceof LabNotRunningError) throw new UserError(error.message, 4);
    throw error;
  }
}
