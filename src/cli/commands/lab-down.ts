import type { Command } from 'commander';
import { resolveLabName } from '../../engine/current-lab.js';
import { netnsBackend } from '../../lab/netns/backend.js';
import { printJson, println } from '../output.js';

export async function run(options: { name?: string }, command: Command): Promise<void> {
  const name = await resolveLabName(options.name);
  const report = await netnsBackend.down(name);
  if (command.optsWithGlobals().json) return printJson(report);
  println(`Lab "${name}" removed (${report.removed.length} item(s)).`);
}
