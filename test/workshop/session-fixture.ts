// A session as the CLI reports it: just started, nothing done yet; tests override what they need.
import type { SessionSummary } from '../../src/workshop/session-summary.js';

export function newSession(over: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id: 'abcdef0123',
    scenario: 'friday-merge',
    seed: 1,
    backend: 'netns',
    lab: 'alice',
    startedAt: new Date().toISOString(),
    hintsUsed: 0,
    diagnosis: null,
    checks: 0,
    lastCheck: null,
    fixedAt: null,
    solvedWithReference: false,
    stoppedAt: null,
    ...over,
  };
}
