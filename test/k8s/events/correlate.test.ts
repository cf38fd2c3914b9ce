import { describe, expect, it } from 'vitest';
import { type CoreEvent, correlate, type EventOccurrence, kubeTime } from '../../../src/k8s/events/correlate.js';

const T0 = Date.parse('2026-12-07T20:00:00.123Z');
const pod = { kind: 'Pod', apiVersion: 'v1', namespace: 'shop', name: 'api-x', uid: 'u1', fieldPath: 'spec.containers{api}' };
const kubelet = { component: 'kubelet', host: 'worker' };
const unhealthy = (message = 'Readiness probe failed: HTTP probe failed with statuscode: 503'): EventOccurrence => ({
  involvedObject: pod,
  source: kubelet,
  type: 'Warning',
  reason: 'Unhealthy',
  message,
});

/** Plays occurrences into a list the way the lab's store keeps them. */
function play(occurrences: [EventOccurrence, number][], limits?: Parameters<typeof correlate>[3]): CoreEvent[] {
  let events: CoreEvent[] = [];
  for (const [occurrence, at] of occurrences) {
    const { event, expired } = correlate(events, occurrence, at, limits);
    events = events.filter((e) => !expired.includes(e) && e.metadata.name !== event.metadata.name);
    events.push(event);
  }
  return events;
}

describe('correlate', () => {
  it('makes a core/v1 Event named <object>.<hex nanoseconds> in the object’s namespace', () => {
    const { event, expired } = correlate([], unhealthy(), T0);
    expect(expired).toEqual([]);
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `api-x.${(BigInt(T0) * 1_000_000n).toString(16)}`, namespace: 'shop' },
      involvedObject: pod,
      type: 'Warning',
      reason: 'Unhealthy',
      count: 1,
      firstTimestamp: '2026-12-07T20:00:00Z',
      lastTimestamp: '2026-12-07T20:00:00Z',
      source: kubelet,
      reportingComponent: 'kubelet',
      reportingInstance: 'worker',
      eventTime: null,
    });
  });

  it('puts a cluster-scoped object’s events in the default namespace', () => {
    const node = {
      involvedObject: { kind: 'Node', apiVersion: 'v1', name: 'worker' },
      source: kubelet,
      type: 'Normal' as const,
      reason: 'NodeReady',
      message: 'm',
    };
    expect(correlate([], node, T0).event.metadata.namespace).toBe('default');
  });

  it('counts the same thing happening again on one Event (a failing probe every 10 s)', () => {
    const events = play([0, 10, 20, 30].map((s) => [unhealthy(), T0 + s * 1000]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 4, firstTimestamp: kubeTime(T0), lastTimestamp: kubeTime(T0 + 30_000) });
  });

  it('keeps different messages apart, and folds the tenth different one into a combined Event', () => {
    const occurrences: [EventOccurrence, number][] = [];
    for (let i = 0; i < 12; i++) occurrences.push([unhealthy(`Readiness probe failed: HTTP probe failed with statuscode: ${500 + i}`), T0 + i * 1000]);
    const events = play(occurrences);
    expect(events.filter((e) => !e.message.startsWith('(combined'))).toHaveLength(9);
    const combined = events.filter((e) => e.message.startsWith('(combined from similar events): '));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 3, message: '(combined from similar events): Readiness probe failed: HTTP probe failed with statuscode: 511' });
  });

  it('lets Events past their time to live go', () => {
    const old = correlate([], unhealthy('old'), T0).event;
    const { expired } = correlate([old], unhealthy('new'), T0 + 61 * 60 * 1000);
    expect(expired).toEqual([old]);
  });

  it('keeps at most maxEvents, deleting the least recently seen', () => {
    const limits = { ttlMs: 3_600_000, maxEvents: 3, similarMessages: 10, similarWindowMs: 600_000 };
    const occurrences: [EventOccurrence, number][] = ['a', 'b', 'c', 'd', 'e'].map((name, i) => [
      { ...unhealthy(), involvedObject: { ...pod, name, uid: name } },
      T0 + i * 1000,
    ]);
    expect(play(occurrences, limits).map((e) => e.involvedObject.name)).toEqual(['c', 'd', 'e']);
  });

  it('gives two Events of one object in the same millisecond different names', () => {
    const first = correlate([], unhealthy('a'), T0).event;
    expect(correlate([first], unhealthy('b'), T0).event.metadata.name).not.toBe(first.metadata.name);
  });
});
