// Traces of NodePort traffic, captured on the lab with the uptime checker
// (monitoring/uptime, on the control plane) calling http://worker2:30443/ or
// :30080/, where the Service shop/web has its pods on worker only:
// one-worker-hangs (externalTrafficPolicy Local: dropped on worker2),
// etp-local-solved (the same after `solve`, policy Cluster: DNAT-ed on worker2 to
// a pod on worker) and one-worker-unhealthy (a raw-table DROP of 30000:32767
// on worker2).
import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../src/trace/build-trace.js';
import type { TraceResult } from '../../src/trace/hops.js';
import { loadFixture, traceInput, type Fixture } from './helpers.js';

const lines = (t: TraceResult) => t.hops.filter((h) => h.step !== 'query').map((h) => `${h.status === 'ok' ? '✓' : h.status === 'info' ? '·' : '✗'} ${h.text}`);

function onWorker2(f: Fixture, edit: (text: string) => string, conntrack?: (text: string) => string): Fixture {
  return {
    ...f,
    counters: f.counters.map((c) =>
      'node' in c.where && c.where.node === 'worker2'
        ? { ...c, before: edit(c.before), after: edit(c.after), ...(conntrack ? { conntrackAfter: conntrack(c.conntrackAfter ?? '') } : {}) }
        : c,
    ),
  };
}

describe('buildTrace on NodePort traffic', () => {
  it('externalTrafficPolicy Local on a node without endpoints: masqueraded on the way, then kube-proxy\'s "no local endpoints" DROP', () => {
    const t = buildTrace(traceInput(loadFixture('one-worker-hangs')));
    expect(lines(t)).toEqual([
      '✓ DNS worker2 → 172.18.0.4 (kube-dns 10.96.0.10, 2 ms)',
      '✓ monitoring/uptime-qfpkghcf66-jc58t eth0 → node control-plane (veth59913fa1)',
      '✓ route 172.18.0.0/16 (node worker2) on control-plane',
      '· kindnet on control-plane masquerades 10.244.0.3 as 172.18.0.2: 172.18.0.4 is outside the pod network, so worker2 sees the packet come from node control-plane',
      '✓ node control-plane eth0 → node worker2 eth0',
      '✓ nat KUBE-NODEPORTS → KUBE-EXT-67NZLRHBNDSAWJRO on worker2 (Service shop/web port http, NodePort 30443, externalTrafficPolicy Local)',
      '✗ dropped on worker2 by kube-proxy: Service shop/web has no local endpoints (port http): its externalTrafficPolicy is Local, so worker2 sends traffic from outside the node only to endpoints on worker2, and none runs there',
    ]);
    expect(t.verdict).toBe('dropped');
    expect(t.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'web', detail: 'no local endpoints' });
    expect(t.hops.at(-1)!.rule).toMatchObject({ table: 'filter', chain: 'KUBE-EXTERNAL-SERVICES', packets: 1 });
    expect(t.path.map((p) => p.label)).toEqual(['uptime-eth0', 'control-plane-veth59913fa1', 'control-plane-eth0', 'worker2-eth0']);
    // The flow's counters on worker2 are attributed to it: it went there, not to worker.
    expect(t.rules.filter((r) => r.where === 'worker2').map((r) => r.chain)).toEqual(expect.arrayContaining(['KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES']));
    expect(t.rules.filter((r) => r.where === 'worker').every((r) => r.flows.join() === 'dns')).toBe(true);
  });

  it('policy Cluster: DNAT-ed by the node the NodePort names, marked for masquerade, delivered across to the pod on worker', () => {
    const t = buildTrace(traceInput(loadFixture('etp-local-solved')));
    expect(lines(t).slice(4)).toEqual([
      '✓ node control-plane eth0 → node worker2 eth0',
      '✓ nat KUBE-NODEPORTS → KUBE-EXT-67NZLRHBNDSAWJRO on worker2 (Service shop/web port http, NodePort 30443, externalTrafficPolicy Cluster)',
      "✓ KUBE-SEP-34ZZ2QFGO32YYXXO DNAT → 10.244.1.5:8080 (pod shop/web-wk4bmnznxc-x9nrw), marked for masquerade: the endpoint sees worker2's address",
      expect.stringMatching(/^· conntrack on worker2: tcp TIME_WAIT 172\.18\.0\.2:\d+ → 172\.18\.0\.4:30443, translated to 10\.244\.1\.5:8080, replied$/),
      '✓ route 10.244.1.0/24 via 172.18.0.3 (node worker) on worker2',
      '✓ node worker2 eth0 → node worker eth0',
      '✓ route 10.244.1.5 dev veth1363c680 (pod shop/web-wk4bmnznxc-x9nrw) on worker',
      '✓ delivered to 10.244.1.5:8080 (pod shop/web-wk4bmnznxc-x9nrw), answered by web-wk4bmnznxc-x9nrw',
    ]);
    expect(t.verdict).toBe('delivered');
    expect(t.path.map((p) => p.label)).toEqual([
      'uptime-eth0',
      'control-plane-veth59913fa1',
      'control-plane-eth0',
      'worker2-eth0',
      'worker-eth0',
      'worker-veth1363c680',
      'web-eth0',
    ]);
  });

  it('a raw-table DROP of the NodePort range on the node is named as a hand-written rule, with its table', () => {
    const t = buildTrace(traceInput(loadFixture('one-worker-unhealthy')));
    expect(lines(t).at(-1)).toBe(
      '✗ dropped on worker2 by a hand-written rule no Kubernetes object owns: -A NODE-HARDENING -i eth0 -p tcp -m tcp --dport 30000:32767 -m comment --comment "SEC-1182: close the high ports flagged by the port scan" -j DROP (table raw)',
    );
    expect(t.blame).toMatchObject({ kind: 'Rule', detail: 'worker2', by: 'hand-written', name: expect.stringMatching(/^-t raw -A NODE-HARDENING /) });
  });

  it("judges rules on the next node by the masqueraded source, not the pod's own address", () => {
    // The same DROP, but only for sources in the pod network: the packet arrived from 172.18.0.2, so it cannot be this rule's.
    const f = onWorker2(loadFixture('one-worker-unhealthy'), (text) =>
      text.replace(
        '-A NODE-HARDENING -i eth0 -p tcp -m tcp --dport 30000:32767',
        '-A NODE-HARDENING -s 10.244.0.0/16 -i eth0 -p tcp -m tcp --dport 30000:32767',
      ),
    );
    const t = buildTrace(traceInput(f));
    expect(t.blame).toBeUndefined();
    expect(t.hops.at(-1)).toMatchObject({ status: 'fail', step: 'lost' });
  });

  it('a NodePort no kube-proxy rule translated reaches the node itself, and a node without kube-proxy is blamed', () => {
    const solved = loadFixture('etp-local-solved');
    // worker2 as it would be had kube-proxy never written rules for shop/web there.
    const f = onWorker2(
      solved,
      (text) =>
        text
          .split('\n')
          .filter((line) => !line.includes('shop/web') && !line.includes('67NZLRHBNDSAWJRO'))
          .join('\n'),
      () => '',
    );
    const probe = { ...solved.probe, outcome: 'refused' as const, detail: 'ECONNREFUSED from 172.18.0.4:30443', answeredBy: undefined };
    const input = traceInput({ ...f, probe });
    const t = buildTrace({ ...input, kubeProxyNodes: ['control-plane', 'worker'] });
    expect(lines(t).slice(5)).toEqual([
      '✗ no kube-proxy rule for NodePort 30443 (Service shop/web port http) counted on worker2: the packet reached the node itself untranslated (kube-proxy is not running on worker2)',
      "· 172.18.0.4 is worker2's own address: the packet is delivered to the node itself",
    ]);
    expect(t.blame).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: 'no kube-proxy pod on worker2' });
  });

  it('refused by the node itself when nothing listens on the port there', () => {
    const solved = loadFixture('etp-local-solved');
    const f = onWorker2(
      solved,
      (text) =>
        text
          .split('\n')
          .filter((line) => !line.includes('shop/web') && !line.includes('67NZLRHBNDSAWJRO'))
          .join('\n'),
      () => '',
    );
    const probe = { ...solved.probe, outcome: 'refused' as const, detail: 'ECONNREFUSED from 172.18.0.4:30443', answeredBy: undefined };
    const t = buildTrace(traceInput({ ...f, probe }));
    expect(lines(t).at(-1)).toBe('✗ refused by node worker2 (172.18.0.4:30443): nothing listens on tcp/30443 on the node itself (it answered with a reset)');
    expect(t.blame).toEqual({ kind: 'Node', name: 'worker2', detail: 'nothing listens on tcp/30443' });
    expect(t.verdict).toBe('refused');
  });
});
