// A pod calling itself through its own Service: a counted hand-written RETURN in
// nat POSTROUTING before kube-proxy's jump is named as what kept it from being masqueraded.
import { describe, expect, it } from 'vitest';
import type { FlowSpec, WalkResult } from '../../src/trace/flow.js';
import type { TraceInput, TracePod } from '../../src/trace/hops.js';
import { hairpinMiss } from '../../src/trace/hairpin.js';

const pod: TracePod = { namespace: 'shop', name: 'search-x', ip: '10.244.1.3', node: 'worker', labels: {}, ports: [], hostVeth: 'veth1', short: 'search' };
const spec: FlowSpec = { kind: 'connection', src: pod, dst: '10.96.229.26', port: 8080, protocol: 'tcp', ok: false };
const hairpin: WalkResult = { hops: [], path: [], verdict: 'lost', endpoint: { ip: pod.ip, port: 8080, pod } };
const RETURN = '-A POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "AUD-12 keep pod ips" -j RETURN';
const JUMP = '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING';

function nat(returnCount: number, order: 'return-first' | 'jump-first' = 'return-first'): string {
  const rules = order === 'return-first' ? [`[${returnCount}:60] ${RETURN}`, `[9:540] ${JUMP}`] : [`[9:540] ${JUMP}`, `[${returnCount}:60] ${RETURN}`];
  return ['*nat', ':POSTROUTING ACCEPT [0:0]', ':KUBE-POSTROUTING - [0:0]', ...rules, 'COMMIT', ''].join('\n');
}

function input(before: string, after: string): TraceInput {
  return { counters: [{ where: { node: 'worker' }, before, after }] } as unknown as TraceInput;
}

describe('trace: hairpin traffic', () => {
  it('a counted RETURN before KUBE-POSTROUTING that matches the pod is blamed, by rule and node', () => {
    const miss = hairpinMiss(input(nat(0), nat(1)), spec, hairpin);
    expect(miss?.blame).toEqual({ kind: 'Rule', name: `-t nat ${RETURN}`, detail: 'worker', by: 'hand-written' });
    expect(miss?.text).toMatch(
      /^hairpin not masqueraded on worker: the Service sent pod shop\/search-x's connection back to itself, .*returns before kube-proxy's KUBE-POSTROUTING/,
    );
  });

  it('says nothing when the rule did not count, comes after the jump, or the connection was not a hairpin', () => {
    expect(hairpinMiss(input(nat(1), nat(1)), spec, hairpin)).toBeUndefined();
    expect(hairpinMiss(input(nat(0, 'jump-first'), nat(1, 'jump-first')), spec, hairpin)).toBeUndefined();
    const other = { ...hairpin, endpoint: { ip: '10.244.2.7', port: 8080 } };
    expect(hairpinMiss(input(nat(0), nat(1)), spec, other)).toBeUndefined();
  });
});
