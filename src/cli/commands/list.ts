import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { BACKENDS } from '../../scenario/schema.js';
import { listScenarios } from '../../scenario/loader.js';
import { color, kubectlTable, printJson, println } from '../output.js';

export async function run(_options: unknown, command: Command): Promise<void> {
  const { scenarios, errors } = await listScenarios(scenariosRoot());
  const rows = scenarios.map(({ scenario: s }) => ({
    id: s.id,
    title: s.title,
    layers: s.layers,
    difficulty: s.difficulty,
    backends: s.backends,
    unsupported: s.unsupported ?? {},
  }));
  if (command.optsWithGlobals().json) return printJson({ scenarios: rows, errors: errors.map((e) => e.message) });
  const backendCell = (r: (typeof rows)[number]) => BACKENDS.map((b) => (r.backends.includes(b) ? b : color.dim(`(no ${b})`))).join(' ');
  println(kubectlTable(['ID', 'TITLE', 'LAYERS', 'DIFFICULTY', 'BACKENDS'], rows.map((r) => [r.id, r.title, r.layers.join(','), r.difficulty, backendCell(r)])));
  for (const r of rows) for (const [b, why] of Object.entries(r.unsupported)) println(color.dim(`  ${r.id} on ${b}: ${why}`));
  for (const e of errors) println(color.red(`  broken scenario: ${e.message}`));
}
