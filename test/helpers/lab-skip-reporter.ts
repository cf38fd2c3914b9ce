// Says at the end of a run how many tests were skipped because this machine
// cannot run them (no root, a missing Debian package; see lab-gate.ts) and
// why, so that a green run with half its lab tests skipped does not pass for a
// full one. Under CI (CI set and not "false") any such skip fails the run:
// .ci/run installs every package, so a skip there means the gate or the
// install is wrong.
import type { Reporter, TestModule } from 'vitest/node';
import { SKIP_MARK } from './lab-gate.js';

export interface SkippedGroup {
  reason: string;
  tests: number;
  files: string[];
}

/** The skipped tests' reasons, from their titles, most tests first. */
export function skippedGroups(tests: { fullName: string; file: string; skipped: boolean }[]): SkippedGroup[] {
  const byReason = new Map<string, SkippedGroup>();
  for (const t of tests) {
    if (!t.skipped) continue;
    const at = t.fullName.indexOf(SKIP_MARK);
    if (at < 0) continue;
    // The reason ends where its group's title does: at the next " > " (vitest's separator), less the closing parenthesis.
    const rest = t.fullName.slice(at + SKIP_MARK.length);
    const reason = rest.slice(0, rest.includes(' > ') ? rest.indexOf(' > ') : undefined).replace(/\)$/, '');
    const group = byReason.get(reason) ?? { reason, tests: 0, files: [] };
    group.tests++;
    if (!group.files.includes(t.file)) group.files.push(t.file);
    byReason.set(reason, group);
  }
  return [...byReason.values()].sort((a, b) => b.tests - a.tests);
}

export function summary(groups: SkippedGroup[], ci: boolean): string {
  if (groups.length === 0) return '';
  const total = groups.reduce((n, g) => n + g.tests, 0);
  const files = new Set(groups.flatMap((g) => g.files)).size;
  const lines = [`${total} test(s) in ${files} file(s) were skipped because this machine cannot run them:`];
  for (const g of groups) lines.push(`  ${g.tests} test(s) in ${g.files.length} file(s): ${g.reason}`);
  if (ci) lines.push('CI must skip none of them (.ci/run installs every package and runs as root): this run fails.');
  return `${lines.join('\n')}\n`;
}

export const onCI = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';

/**
 * The ordinary user's pass of .ci/run (.ci/lab-tests-unprivileged) runs after the root pass, which ran
 * every test that needs root: there, and only there, skips for want of root are expected.
 */
export const afterRootPass = (env: NodeJS.ProcessEnv = process.env): boolean => env.NETBREAK_AFTER_ROOT_PASS === '1';

/** The groups that fail a CI run: all of them, less those that need root in the pass after root's. */
export function failingGroups(groups: SkippedGroup[], env: NodeJS.ProcessEnv = process.env): SkippedGroup[] {
  return afterRootPass(env) ? groups.filter((g) => !/needs root/.test(g.reason)) : groups;
}

export default class LabSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests = modules.flatMap((m) =>
      [...m.children.allTests()].map((t) => ({ fullName: t.fullName, file: m.relativeModuleId, skipped: t.result().state === 'skipped' })),
    );
    const groups = skippedGroups(tests);
    const fails = onCI() && failingGroups(groups).length > 0;
    const text = summary(groups, fails);
    if (!text) return;
    process.stdout.write(`\n${text}`);
    // vitest only ever raises the exit code, so this survives to the end of the run.
    if (fails) process.exitCode = 1;
  }
}
