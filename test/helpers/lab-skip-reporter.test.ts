// The end-of-run summary of tests this machine could not run, and the CI rule.
import { expect, it } from 'vitest';
import { gate, SKIP_MARK } from './lab-gate.js';
import { failingGroups, onCI, skippedGroups, summary } from './lab-skip-reporter.js';

const why = 'this lab test needs iptables-restore, which is not installed: run "apt-get install -y iptables" (or "netbreak doctor --fix")';
const skipped = gate(why);

it('a gated title carries the reason; a group that runs keeps its title', () => {
  expect(skipped.skip).toBe(true);
  expect(skipped.title('kill -9')).toBe(`kill -9 (${SKIP_MARK}${why})`);
  expect(gate(undefined).title('kill -9')).toBe('kill -9');
  expect(gate(undefined).skip).toBe(false);
});

it('counts skipped tests per reason and file, ignoring other skips and tests that ran', () => {
  const groups = skippedGroups([
    { fullName: `${skipped.title('kill -9')} > leaves nothing`, file: 'test/a.test.ts', skipped: true },
    { fullName: `${skipped.title('kill -9')} > inner > cleans`, file: 'test/a.test.ts', skipped: true },
    { fullName: `${skipped.title('library')} > runs`, file: 'test/b.test.ts', skipped: true },
    {
      fullName: `${gate('needs root to create network namespaces: run the tests as root (sudo npm test)').title('x')} > y`,
      file: 'test/c.test.ts',
      skipped: true,
    },
    { fullName: 'live kind suite (set NETBREAK_E2E_KIND=1) > runs', file: 'test/d.test.ts', skipped: true },
    { fullName: 'plain > ran', file: 'test/e.test.ts', skipped: false },
  ]);
  expect(groups).toEqual([
    { reason: why, tests: 3, files: ['test/a.test.ts', 'test/b.test.ts'] },
    { reason: 'needs root to create network namespaces: run the tests as root (sudo npm test)', tests: 1, files: ['test/c.test.ts'] },
  ]);
  const text = summary(groups, false);
  expect(text).toBe(
    `4 test(s) in 3 file(s) were skipped because this machine cannot run them:\n  3 test(s) in 2 file(s): ${why}\n  1 test(s) in 1 file(s): needs root to create network namespaces: run the tests as root (sudo npm test)\n`,
  );
  expect(summary(groups, true)).toMatch(/CI must skip none of them .*: this run fails\.\n$/);
  expect(summary([], true)).toBe('');
});

it('CI is on when the variable is set to anything but false or 0', () => {
  expect(onCI({ CI: 'true' })).toBe(true);
  expect(onCI({ CI: '1' })).toBe(true);
  expect(onCI({ CI: 'false' })).toBe(false);
  expect(onCI({})).toBe(false);
});

it("in the ordinary user's pass after root's, skips for want of root do not fail CI; any other skip still does", () => {
  const rootOnly = {
    reason: 'makes network namespaces on the host itself, outside any lab, which needs root: run the tests as root (sudo npm test)',
    tests: 2,
    files: ['test/a.test.ts'],
  };
  const missing = { reason: why, tests: 1, files: ['test/b.test.ts'] };
  expect(failingGroups([rootOnly, missing], { NETBREAK_AFTER_ROOT_PASS: '1' })).toEqual([missing]);
  expect(failingGroups([rootOnly], { NETBREAK_AFTER_ROOT_PASS: '1' })).toEqual([]);
  expect(failingGroups([rootOnly, missing], {})).toEqual([rootOnly, missing]);
});
