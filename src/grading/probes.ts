// Probes as grading runs them: each sent three times at once and judged by the
// majority outcome, so one lost packet cannot flip a verdict.
import type { Lab, ProbeResult } from '../lab/lab.js';
import type { ProbeExpectation, ProbeOutcome } from '../scenario/schema.js';

export interface JudgedProbe {
  from: string;
  to: string;
  expect: ProbeExpectation;
  outcome: ProbeOutcome;
  pass: boolean;
  result: ProbeResult;
}

const ATTEMPTS = 3;
/** A lab answers in well under a millisecond; 600 ms of silence is a drop, not a slow peer. */
export const PROBE_TIMEOUT_MS = 600;

export function meetsExpectation(outcome: ProbeOutcome, expect: ProbeExpectation): boolean {
  return expect === 'failure' ? outcome !== 'success' : outcome === expect;
}

/** Applies the `backend:` check of a probe: success from the wrong pod is its own outcome. */
function outcomeOf(result: ProbeResult, backend?: string): ProbeOutcome {
  if (result.outcome === 'success' && backend && !(result.answeredBy ?? '').startsWith(backend)) return 'wrong-backend';
  return result.outcome;
}

export function majority(outcomes: ProbeOutcome[]): ProbeOutcome {
  const counts = new Map<ProbeOutcome, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

export async function judgeProbe(lab: Lab, spec: { from: string; to: string; expect: ProbeExpectation; backend?: string }): Promise<JudgedProbe> {
  const results = await Promise.all(Array.from({ length: ATTEMPTS }, () => lab.probe({ from: spec.from, to: spec.to, timeoutMs: PROBE_TIMEOUT_MS })));
  const outcome = majority(results.map((r) => outcomeOf(r, spec.backend)));
  const result = results.find((r) => outcomeOf(r, spec.backend) === outcome)!;
  return { from: spec.from, to: spec.to, expect: spec.expect, outcome, pass: meetsExpectation(outcome, spec.expect), result };
}
