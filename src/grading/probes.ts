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
/**
 * A lab answers in well under a millisecond, and within tens of milliseconds on a
 * 2-core machine starting eight labs at once. 200 ms of silence, judged after the
 * prober has taken in its pending I/O (silence-timer.ts), is a drop, not a slow
 * peer; DNS gets its share of it per name (agent/probe.ts).
 */
const PROBE_TIMEOUT_MS = 200;

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

/**
 * The attempts' results as they come in, settled as soon as one outcome has a
 * majority (two of three agree), so a third slow attempt is not waited for.
 */
function firstMajority(attempts: Promise<ProbeResult>[], backend?: string): Promise<{ outcome: ProbeOutcome; result: ProbeResult }> {
  return new Promise((resolve, reject) => {
    const results: ProbeResult[] = [];
    const decide = () => {
      const outcome = majority(results.map((r) => outcomeOf(r, backend)));
      resolve({ outcome, result: results.find((r) => outcomeOf(r, backend) === outcome)! });
    };
    for (const attempt of attempts) {
      attempt.then((r) => {
        results.push(r);
        const votes = results.filter((x) => outcomeOf(x, backend) === outcomeOf(r, backend)).length;
        if (votes > attempts.length / 2 || results.length === attempts.length) decide();
      }, reject);
    }
  });
}

export async function judgeProbe(lab: Lab, spec: { from: string; to: string; expect: ProbeExpectation; backend?: string }): Promise<JudgedProbe> {
  const attempts = Array.from({ length: ATTEMPTS }, () => lab.probe({ from: spec.from, to: spec.to, timeoutMs: PROBE_TIMEOUT_MS }));
  const { outcome, result } = await firstMajority(attempts, spec.backend);
  return { from: spec.from, to: spec.to, expect: spec.expect, outcome, pass: meetsExpectation(outcome, spec.expect), result };
}
