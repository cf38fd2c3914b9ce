import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Three projects, run one after the other. "unit": the files that make no lab, in parallel. "lab": the files that
// make labs, need root or fingerprint the host's network; every lab is a process tree in user, mount, network and
// pid namespaces of its own (docs/rootless.md), so these share nothing and run two files at a time: they mostly
// wait on their labs. "host": the few files that make network namespaces in the host's own network namespace,
// outside any lab (hostNetnsGate): they would change what the others fingerprint, so they run alone, one at a time.
// A file is a lab test when its name ends in .e2e.test.ts or it imports the lab gate, the root helpers or the host
// guard, and a host test when it calls hostNetnsGate, so a new test lands in the right project without a list here.
const LAB_HELPER = /from '(?:\.{1,2}\/)+helpers\/(?:lab-gate|root|host-guard)\.js'/;
const HOST_NETNS = /\bhostNetnsGate\(/;

const testFiles = fs.readdirSync('test', { recursive: true, encoding: 'utf8' }).map((f) => path.posix.join('test', f.split(path.sep).join('/')));
const source = (file: string) => fs.readFileSync(file, 'utf8');
const lab = testFiles.filter((f) => f.endsWith('.test.ts') && (f.endsWith('.e2e.test.ts') || LAB_HELPER.test(source(f)))).sort();
const host = lab.filter((f) => HOST_NETNS.test(source(f)));

/** Lab files at a time: NETBREAK_LAB_WORKERS, else 2 (their labs mostly wait; more only crowd a 2-core CI machine). */
const labWorkers = Number(process.env.NETBREAK_LAB_WORKERS) || 2;

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
        test: { name: 'lab', include: lab, exclude: host, maxWorkers: labWorkers, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        // The host's own network namespace is shared: one file at a time, with nothing else running.
        test: { name: 'host', include: host, fileParallelism: false, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
