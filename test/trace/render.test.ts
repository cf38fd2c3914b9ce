import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../src/trace/build-trace.js';
import { describeObject, renderTrace, verdictText } from '../../src/trace/render.js';
import { loadFixture, traceInput } from './helpers.js';

describe('renderTrace', () => {
  it('one line per hop with ✓ ✗ ·, then the verdict and the probe', () => {
    const text = renderTrace(buildTrace(traceInput(loadFixture('friday-merge'))));
    const lines = text.split('\n');
    expect(lines[0]).toBe('trace shop/frontend → http://api.shop.svc.cluster.local:8080/');
    expect(lines[1]).toMatch(/^ {2}· query api\.shop\.svc\.cluster\.local\.shop\.svc\.cluster\.local\. A @10\.96\.0\.10:53 → NXDOMAIN/);
    expect(lines).toContain('  ✓ DNS api.shop.svc.cluster.local → 10.96.58.14 (kube-dns 10.96.0.10, 6 ms)');
    expect(lines.filter((l) => l.startsWith('  ✗ '))).toHaveLength(1);
    expect(lines.at(-1)).toBe(
      'dropped by NetworkPolicy shop/default-deny-ingress (ingress)  (probe: timeout, no answer from 10.96.58.14:8080 within 1000 ms, 1007 ms)',
    );
  });

  it('paints through the caller, indents for the debrief, and lists pcaps', () => {
    const trace = {
      ...buildTrace(traceInput(loadFixture('friday-merge-solved'))),
      pcaps: [{ file: '/tmp/x/01-frontend-eth0.pcap', where: 'pod shop/frontend-1', interface: 'eth0', packets: 1 }],
    };
    const text = renderTrace(trace, { paint: { ok: (s) => `<${s}>`, fail: (s) => `!${s}!`, dim: (s) => s, bold: (s) => s }, indent: '  ' });
    expect(text).toMatch(/^ {2}trace /);
    expect(text).toMatch(/\n {4}<✓> delivered to 10\.244\.1\.3:8080/);
    expect(text).toMatch(/\n {2}<delivered \(answered by api-mj2fj2bllw-pjq8b\)>/);
    expect(text).toMatch(/\n {4}\/tmp\/x\/01-frontend-eth0\.pcap {2}pod shop\/frontend-1 eth0, 1 packet$/m);
  });
});

describe('verdictText and describeObject', () => {
  it('names the object that killed the packet', () => {
    expect(verdictText(buildTrace(traceInput(loadFixture('after-the-pentest'))))).toBe('the name did not resolve: NetworkPolicy shop/frontend-egress (egress)');
    expect(verdictText(buildTrace(traceInput(loadFixture('afternoon-deploy'))))).toBe('rejected by Service shop/api (selector app=api-v2 matches no pod)');
    expect(verdictText(buildTrace(traceInput(loadFixture('hand-drop'))))).toBe('dropped by hand-written rule on worker2: -A FORWARD -d 10.244.2.2/32 -j DROP');
    expect(describeObject({ kind: 'Rule', name: '-P FORWARD DROP', detail: 'worker', by: 'chain policy' })).toBe('the chain policy on worker: -P FORWARD DROP');
  });
});
