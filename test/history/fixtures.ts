// History records for tests: a plausible finished session, changed only where a test cares.
import { HistoryRecord } from '../../src/history/record.js';

let counter = 0;

export type RecordInput = Partial<HistoryRecord> & { score?: number | null; fixed?: boolean; day?: string };

/**
 * `score` gives a diagnosis with that total (null: none given; `diagnosis` wins), `fixed` sets
 * fixedAt, `day` (YYYY-MM-DD) puts the session at noon UTC that day.
 */
export function rec(input: RecordInput = {}): HistoryRecord {
  const { score = 100, fixed = true, day = '2024-05-01', ...rest } = input;
  const startedAt = `${day}T12:00:00.000Z`;
  const stoppedAt = `${day}T12:20:00.000Z`;
  counter++;
  return HistoryRecord.parse({
    v: 1,
    id: `id${String(counter).padStart(4, '0')}`,
    scenario: 'after-the-pentest',
    title: 'The policy that ate DNS',
    layers: ['networkpolicy', 'dns'],
    difficulty: 'beginner',
    seed: 1,
    backend: 'netns',
    lab: 'netbreak',
    startedAt,
    stoppedAt,
    symptom: { from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/', expect: 'dns-timeout' },
    story: 'The frontend cannot reach the api.',
    debrief: 'DNS was dropped.',
    key: {
      layer: 'networkpolicy',
      object: 'NetworkPolicy/shop/frontend-egress',
      cause: 'egress-dns-blocked',
      causeText: 'DNS egress is not allowed',
      evidence: {
        question: 'Which port must the frontend be allowed to send to?',
        answer: '53',
        format: 'port',
        reveal: 'netbreak get netpol -n shop -o yaml',
      },
    },
    hintsUsed: 0,
    hintsTotal: 3,
    diagnosis:
      score === null
        ? null
        : {
            answer: { layer: 'networkpolicy', object: 'NetworkPolicy/shop/frontend-egress', cause: 'egress-dns-blocked', evidence: '53/UDP' },
            points: score,
            max: 100,
            hintPenalty: 0,
            total: score,
            at: `${day}T12:05:00.000Z`,
          },
    checkItems: [{ kind: 'verify', description: 'shop/frontend → http://api.shop.svc.cluster.local:8080/ expects success' }],
    checks: fixed ? [{ at: `${day}T12:10:00.000Z`, passed: true }] : [],
    fixedAt: fixed ? `${day}T12:10:00.000Z` : null,
    timeToDiagnoseMs: score === null ? null : 300_000,
    timeToFixMs: fixed ? 600_000 : null,
    ...rest,
  });
}
