// While joined to a workshop, the attendee's name is their default lab name, so
// that one machine can host a whole room on the netns backend (labs alice, bob,
// …) and each attendee's commands find their own lab without --lab.
import fs from 'node:fs';
import type { Command } from 'commander';
import { labDir } from '../lab/state.js';
import { joinedWorkshop } from '../workshop/files.js';

/**
 * Sets --lab to the attendee's name when it was not given: always for
 * `start`, and for the other commands when that lab exists (a lab started
 * before joining is still found the usual way). Costs one stat when not joined.
 */
export async function applyWorkshopLab(command: Command): Promise<void> {
  if (!command.options.some((o) => o.attributeName() === 'lab')) return;
  const source = command.getOptionValueSource('lab');
  if (source !== undefined && source !== 'default') return;
  if (!joinedWorkshop()) return;
  let name: string | undefined;
  try {
    const { readMembership } = await import('../workshop/membership.js');
    name = readMembership()?.attendee.name;
  } catch {
    return; // a damaged membership is reported by the workshop commands, not by every command
  }
  if (!name) return;
  if (command.name() === 'start' || fs.existsSync(labDir(name))) command.setOptionValueWithSource('lab', name, 'default');
}
