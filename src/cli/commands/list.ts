import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { BACKENDS } from '../../scenario/schema.js';
import { listScenarios } from '../../scenario/loader.js';
import { color, kubectlTable, printJson, println } from '../output.js';

export async function run(options: { why?: boolean }, command: Command): Promise<void> {
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
  println(
    kubectlTable(
      ['ID', 'TITLE', 'LAYERS', 'DIFFICULTY', 'BACKENDS'],
      rows.map((r) => [r.id, r.title, r.layers.join(','), r.difficulty, backendCell(r)]),
    ),
  );
  // Why a backend cannot run a scenario says what the fault does: shown only when asked for.
  const reasons = rows.flatMap((r) => Object.entries(r.unsupported).map(([b, why]) => `  ${r.id} on ${b}: ${why}`));
  if (options.why) for (const line of reasons) println(color.dim(line));
  else if (reasons.length > 0)
    println(color.dim('A backend in brackets cannot run that scenario; "netbreak list --why" says why (it tells what the fault does).'));
  for (const e of errors) println(color.red(`  broken scenario: ${e.message}`));
}
