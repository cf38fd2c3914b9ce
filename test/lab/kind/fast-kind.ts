// The kind backend's waits shortened for a test file on fake tools (a fake cluster
// answers at once), and probes sent through the API server's pod proxy, which the
// fake API server answers; put back after each test.
import { afterEach, beforeEach } from 'vitest';
import { clusterSettle } from '../../../src/engine/start-scenario.js';
import { kindTimeouts } from '../../../src/lab/kind/backend.js';

export function useFastKind(waits: { readyMs: number; settleMs: number }): void {
  const saved = { ...kindTimeouts };
  const savedSettle = clusterSettle.ms;
  beforeEach(() => {
    Object.assign(kindTimeouts, { readyMs: waits.readyMs, namespacesGoneMs: waits.readyMs, pollMs: 5 });
    clusterSettle.ms = waits.settleMs;
    process.env.NETBREAK_KIND_PROBE = 'proxy';
  });
  afterEach(() => {
    Object.assign(kindTimeouts, saved);
    clusterSettle.ms = savedSettle;
    delete process.env.NETBREAK_KIND_PROBE;
  });
}
