// A ClusterIP called on a port its Service does not list, and an address of the
// Service range that no Service holds: trace names the Service the client missed.
import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../src/trace/build-trace.js';
import type { TraceResult } from '../../src/trace/hops.js';
import { loadFixture, traceInput, type Fixture } from './helpers.js';

const solved = loadFixture('friday-merge-solved');
const last = (t: TraceResult) => t.hops[t.hops.length - 1]!;

/** The solved lab, the frontend calling an address directly (no DNS), with the given outcome. */
function calling(address: string, outcome: 'refused' | 'timeout', fixture: Fixture = solved): TraceResult {
  const url = `http://${address}/`;
  const detail = outcome === 'refused' ? `ECONNREFUSED from ${address}` : `no answer from ${address} within 1000 ms`;
  return buildTrace(traceInput({ ...fixture, to: url, probe: { outcome, detail, ms: 1000, address } }));
}

describe('trace: addresses nothing translates', () => {
  it('a ClusterIP called on a port its Service does not serve blames that Service, for either kube-proxy mode', () => {
    const refused = calling('10.96.58.14:9090', 'refused');
    expect(refused.verdict).toBe('refused');
    expect(refused.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'no port 9090' });
    expect(last(refused)).toMatchObject({ status: 'fail', step: 'refused', object: refused.blame });
    expect(last(refused).text).toBe(
      'refused: nothing translated 10.96.58.14:9090: Service shop/api holds 10.96.58.14 but serves tcp/8080, not tcp/9090; kube-proxy in nftables mode rejects it, so the client is refused; in iptables mode it leaves the node untranslated and times out',
    );
    // iptables mode: the same mistake times out, and the Service is still the one named.
    expect(calling('10.96.58.14:9090', 'timeout').blame).toEqual(refused.blame);
  });

  it('an unallocated address of the Service range lists the Services on that port, and blames the only one', () => {
    const two = calling('10.96.58.41:8080', 'timeout');
    expect(two.verdict).toBe('lost');
    expect(two.blame).toBeUndefined();
    expect(last(two).text).toMatch(
      /^timeout: nothing translated 10\.96\.58\.41:8080: no Service, pod or node holds 10\.96\.58\.41, though it lies in 10\.96\.0\.0\/16 .* \(in namespace shop, tcp\/8080 is served by api 10\.96\.58\.14, reports 10\.96\.119\.41\)$/,
    );
    const onlyApi = { ...solved, objects: { ...solved.objects, services: solved.objects.services.filter((s) => s.metadata?.name !== 'reports') } };
    const one = calling('10.96.58.41:8080', 'timeout', onlyApi);
    expect(one.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'clusterIP 10.96.58.14, not 10.96.58.41' });
    expect(last(one).object).toEqual(one.blame);
  });

  it('says nothing of Services for an address outside their range, or a port the Service serves', () => {
    expect(last(calling('192.0.2.7:8080', 'timeout')).text).toMatch(/no rule on the way counted a drop/);
    expect(calling('192.0.2.7:8080', 'timeout').blame).toBeUndefined();
    expect(last(calling('10.96.58.14:8080', 'timeout')).text).not.toMatch(/nothing translated/);
  });
});
