// A node with IP forwarding off drops what it would route without counting it:
// trace reads the nodes' sysctl and names the node.
import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../src/trace/build-trace.js';
import { loadFixture, traceInput } from './helpers.js';

const solved = loadFixture('friday-merge-solved');
// The SYN left, nothing came back: conntrack saw no reply.
const lostFixture = { ...solved, counters: solved.counters.map((c) => ({ ...c, conntrackAfter: '' })) };
const timeout = { ...solved.probe, outcome: 'timeout' as const, detail: 'no answer from 10.96.58.14:8080 within 1000 ms', answeredBy: undefined };

describe('trace: IP forwarding', () => {
  it('a node on the path with net.ipv4.ip_forward = 0 is blamed for the lost packet', () => {
    const t = buildTrace(traceInput({ ...lostFixture, probe: timeout }, { forwarding: { 'control-plane': true, worker: false, worker2: true } }));
    expect(t.blame).toEqual({ kind: 'Node', name: 'worker', detail: 'net.ipv4.ip_forward = 0' });
    const last = t.hops[t.hops.length - 1]!;
    expect(last).toMatchObject({ status: 'fail', step: 'dropped', where: 'worker', object: t.blame });
    expect(last.text).toMatch(/^dropped on worker: IP forwarding is off \(net\.ipv4\.ip_forward = 0\)/);
    expect(t.verdict).toBe('lost');
  });

  it('forwarding on everywhere (or unknown), or off on a node off the path, changes nothing', () => {
    const cases: (Record<string, boolean> | undefined)[] = [{ worker: true, worker2: true }, undefined, { 'control-plane': false }];
    for (const forwarding of cases) {
      const t = buildTrace(traceInput({ ...lostFixture, probe: timeout }, forwarding ? { forwarding } : {}));
      expect(t.blame).toBeUndefined();
      expect(t.hops[t.hops.length - 1]!.text).toMatch(/no rule on the way counted a drop/);
    }
  });
});
