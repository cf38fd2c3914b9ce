// Pod traffic to an outside address on a node whose masquerade agent lost its
// MASQUERADE rule: trace names the node, not the pod's nameserver.
import { describe, expect, it } from 'vitest';
import type { TraceInput } from '../../src/trace/hops.js';
import { unmasqueradedOnNode } from '../../src/trace/masquerade.js';

const RETURN = '-A KIND-MASQ-AGENT -d 10.244.0.0/16 -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN';
const MASQ = '-A KIND-MASQ-AGENT -m comment --comment "kind-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE';

function input(rules: string[]): TraceInput {
  const save = ['*nat', ':POSTROUTING ACCEPT [0:0]', ':KIND-MASQ-AGENT - [0:0]', ...rules.map((r) => `[0:0] ${r}`), 'COMMIT', ''].join('\n');
  return { counters: [{ where: { node: 'worker' }, before: save, after: save }] } as unknown as TraceInput;
}

describe('trace: traffic leaving the cluster', () => {
  it('a masquerade agent chain without its MASQUERADE blames the node, for an outside address', () => {
    const miss = unmasqueradedOnNode(input([RETURN]), 'worker', '10.244.1.3', '172.18.0.1', 'udp');
    expect(miss?.blame).toEqual({ kind: 'Node', name: 'worker', detail: 'no masquerade for traffic leaving the cluster' });
    expect(miss?.text).toBe(
      "worker's nat chain KIND-MASQ-AGENT (kindnet's masquerade agent) has no MASQUERADE rule after its RETURNs for 10.244.0.0/16: packets from pod 10.244.1.3 to 172.18.0.1, outside the cluster, leave worker with the pod's own address, and the answers have no way back to it",
    );
  });

  it("says nothing with the MASQUERADE in place, for the cluster's own ranges, or without the agent", () => {
    expect(unmasqueradedOnNode(input([RETURN, MASQ]), 'worker', '10.244.1.3', '172.18.0.1', 'udp')).toBeUndefined();
    expect(unmasqueradedOnNode(input([RETURN]), 'worker', '10.244.1.3', '10.244.2.9', 'udp')).toBeUndefined();
    const noAgent = { counters: [{ where: { node: 'worker' }, before: '*nat\nCOMMIT\n', after: '*nat\nCOMMIT\n' }] } as unknown as TraceInput;
    expect(unmasqueradedOnNode(noAgent, 'worker', '10.244.1.3', '172.18.0.1', 'udp')).toBeUndefined();
  });
});
