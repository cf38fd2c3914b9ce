// `netbreak scenario validate [path]`: checks one scenario folder, or the whole
// library, the way start would load it, for every variant. Exit 0 when all are
// valid, 2 when any is not (a bad file is bad input, as everywhere else).
import type { Command } from 'commander';
import { scenariosRoot } from '../../engine/scenarios-root.js';
import { UserError } from '../../errors.js';
import { MAX_VARIANTS_CHECKED, validateTarget } from '../../scenario/validate.js';
import { color, mark, printJson, println } from '../output.js';

export async function run(target: string | undefined, options: { variants?: number }, command: Command): Promise<void> {
  const max = options.variants ?? MAX_VARIANTS_CHECKED;
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw new UserError('--variants takes a whole number from 1 to 10000, for example --variants 64');
  const result = await validateTarget(target ?? scenariosRoot(), max);
  process.exitCode = result.ok ? 0 : 2;
  if (command.optsWithGlobals().json) {
    return printJson({
      ok: result.ok,
      scenarios: result.scenarios.map((s) => ({
        id: s.id,
        dir: s.dir,
        ok: s.ok,
        variants: s.variants,
        errors: s.issues.map((i) => ({ file: i.file, line: i.line ?? null, path: i.path ?? null, problem: i.problem, message: i.message })),
      })),
    });
  }
  for (const s of result.scenarios) {
    const { checked, total } = s.variants;
    const variants = total > 1 ? color.dim(checked === total ? `  (${total} variants)` : `  (${checked} of ${total} variants)`) : '';
    println(`${mark(s.ok)} ${s.id}${variants}`);
    for (const issue of s.issues) println(`    ${issue.message}`);
  }
  if (result.scenarios.length > 1) {
    const bad = result.scenarios.filter((s) => !s.ok).length;
    println(bad === 0 ? `${result.scenarios.length} scenarios, all valid.` : color.red(`${bad} of ${result.scenarios.length} scenarios have problems.`));
  }
}
