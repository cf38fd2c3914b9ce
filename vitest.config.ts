import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects. "lab": the files that make network namespaces or labs, need root, or fingerprint the host's
// network; they share this machine's network stack and run one file at a time, after "unit". "unit": the
// rest, in parallel. A file is a lab test when its name ends in .e2e.test.ts or it imports the lab gate,
// the root helpers or the host guard, so a new lab test is serial without being listed here.
const LAB_HELPER = /from '(?:\.{1,2}\/)+helpers\/(?:lab-gate|root|host-guard)\.js'/;

function labTestFiles(): string[] {
  const files = fs.readdirSync('test', { recursive: true, encoding: 'utf8' }).map((f) => path.posix.join('test', f.split(path.sep).join('/')));
  return files.filter((f) => f.endsWith('.test.ts') && (f.endsWith('.e2e.test.ts') || LAB_HELPER.test(fs.readFileSync(f, 'utf8')))).sort();
}

const lab = labTestFiles();

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The second one counts the tests this machine could not run and why (and fails CI when there are any).
    reporters: ['default', './test/helpers/lab-skip-reporter.ts'],
    projects: [
      {
        extends: true,
        // Every core: vitest's default leaves one idle, which on a 2-core CI machine means no parallelism at all.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: lab, maxWorkers: os.availableParallelism(), sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // Lab tests share the machine's network stack: one file at a time, once the unit tests are done.
        test: { name: 'lab', include: lab, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
