import type { Command } from 'commander';
import { netnsBackend } from '../../lab/netns/backend.js';
import { printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const reports = [];
  for (const lab of await netnsBackend.leftovers()) reports.push(await netnsBackend.down(lab));
  if (command.optsWithGlobals().json) return printJson({ removed: reports });
  if (reports.length === 0) return println('Nothing to clean: no netbreak lab left anything on this machine.');
  for (const r of reports) {
    println(`lab ${r.lab}: removed ${r.removed.length} item(s)`);
    for (const item of r.removed) println(`  - ${item}`);
  }
}
