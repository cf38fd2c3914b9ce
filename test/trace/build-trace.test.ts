import { describe, expect, it } from 'vitest';
import { buildTrace } from '../../src/trace/build-trace.js';
import type { Hop, TraceResult } from '../../src/trace/hops.js';
import { longestPrefixMatch } from '../../src/trace/routes.js';
import { KUBEADM_DEFAULT_COREFILE } from '../../src/k8s/dns/kubeadm-corefile.js';
import { loadFixture, traceInput, type Fixture } from './helpers.js';

const lines = (t: TraceResult) => t.hops.filter((h) => h.status !== 'info').map((h) => `${h.status === 'ok' ? '✓' : '✗'} ${h.text}`);
const last = (t: TraceResult): Hop => t.hops[t.hops.length - 1]!;
const steps = (t: TraceResult) => t.hops.map((h) => h.step);

function withCounters(f: Fixture, node: string, edit: (text: string) => string): Fixture {
  return { ...f, counters: f.counters.map((c) => ('node' in c.where && c.where.node === node ? { ...c, after: edit(c.after) } : c)) };
}

describe('buildTrace on captured labs', () => {
  it('friday-merge: DNS, Service, endpoint, and the drop named by its NetworkPolicy', () => {
    const t = buildTrace(traceInput(loadFixture('friday-merge')));
    expect(lines(t)).toEqual([
      '✓ DNS api.shop.svc.cluster.local → 10.96.58.14 (kube-dns 10.96.0.10, 6 ms)',
      '✓ shop/frontend-mfz5wblsrv-kzhx9 eth0 → node worker2 (veth86814a24)',
      '✓ nat KUBE-SERVICES → KUBE-SVC-RUKNB3TURLFC6SGL (Service shop/api port http)',
      '✓ KUBE-SEP-OH32CSLRJ5EV5GVA DNAT → 10.244.2.2:8080 (pod shop/api-mj2fj2bllw-4z7cz)',
      '✗ dropped on worker2 by NetworkPolicy shop/default-deny-ingress (ingress: it isolates shop/api-mj2fj2bllw-4z7cz and no rule allows tcp/8080 from pod shop/frontend-mfz5wblsrv-kzhx9)',
    ]);
    expect(t.verdict).toBe('dropped');
    expect(t.blame).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny-ingress', detail: 'ingress' });
    expect(last(t).rule).toMatchObject({ table: 'filter', chain: expect.stringMatching(/^NETPOL-I-/), packets: 1 });
    // every query the resolver sent, in order, before the answer
    expect(t.hops.filter((h) => h.step === 'query').map((h) => h.text)).toEqual([
      'query api.shop.svc.cluster.local.shop.svc.cluster.local. A @10.96.0.10:53 → NXDOMAIN (2 ms)',
      'query api.shop.svc.cluster.local.svc.cluster.local. A @10.96.0.10:53 → NXDOMAIN (2 ms)',
      'query api.shop.svc.cluster.local.cluster.local. A @10.96.0.10:53 → NXDOMAIN (1 ms)',
      'query api.shop.svc.cluster.local. A @10.96.0.10:53 → NOERROR A 10.96.58.14 (1 ms)',
    ]);
    expect(t.path.map((p) => p.label)).toEqual(['frontend-eth0', 'worker2-veth86814a24', 'worker2-vethe3a0f72b', 'api-eth0']);
  });

  it('the working path ends in "delivered" with the answering pod, across two nodes', () => {
    const t = buildTrace(traceInput(loadFixture('friday-merge-solved')));
    expect(steps(t)).toEqual([
      'query',
      'query',
      'query',
      'query',
      'dns',
      'link',
      'service',
      'dnat',
      'conntrack',
      'route',
      'arrive',
      'policy',
      'route',
      'delivered',
    ]);
    expect(lines(t).slice(4)).toEqual([
      '✓ route 10.244.1.0/24 via 172.18.0.3 (node worker) on worker2',
      '✓ node worker2 eth0 → node worker eth0',
      '✓ NetworkPolicy shop/allow-frontend-to-api ingress rule 0 allows it on worker (from pod shop/frontend-mfz5wblsrv-kzhx9, tcp/http=8080 on pod shop/api-mj2fj2bllw-pjq8b)',
      '✓ route 10.244.1.3 dev veth08b8c144 (pod shop/api-mj2fj2bllw-pjq8b) on worker',
      '✓ delivered to 10.244.1.3:8080 (pod shop/api-mj2fj2bllw-pjq8b), answered by api-mj2fj2bllw-pjq8b',
    ]);
    expect(t.hops.find((h) => h.step === 'conntrack')!.text).toMatch(
      /^conntrack on worker2: tcp TIME_WAIT 10\.244\.2\.3:\d+ → 10\.96\.58\.14:8080, translated to 10\.244\.1\.3:8080, replied$/,
    );
    expect(t.verdict).toBe('delivered');
    expect(t.blame).toBeUndefined();
    expect(t.path.map((p) => p.label)).toEqual(['frontend-eth0', 'worker2-veth86814a24', 'worker2-eth0', 'worker-eth0', 'worker-veth08b8c144', 'api-eth0']);
  });

  it("after-the-pentest: the DNS queries die at the frontend's egress policy", () => {
    const t = buildTrace(traceInput(loadFixture('after-the-pentest')));
    expect(t.verdict).toBe('dns-failed');
    expect(t.blame).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'frontend-egress', detail: 'egress' });
    expect(t.hops.every((h) => h.flow === 'dns')).toBe(true);
    expect(lines(t)).toEqual([
      '✓ shop/frontend-mfz5wblsrv-tkcjs eth0 → node worker2 (veth3a555585)',
      '✓ nat KUBE-SERVICES → KUBE-SVC-TCOU7JCQXEZGVUNU (Service kube-system/kube-dns port dns)',
      expect.stringMatching(/^✓ KUBE-SEP-\w+ DNAT → 10\.244\.\d\.2:53 \(pod kube-system\/coredns-\S+\) \(other queries went to 10\.244\.\d\.2:53\)$/),
      expect.stringMatching(
        /^✗ dropped on worker2 by NetworkPolicy shop\/frontend-egress \(egress: it isolates shop\/frontend-mfz5wblsrv-tkcjs and no rule allows udp\/53 to pod kube-system\/coredns-/,
      ),
      '✗ DNS api.shop.svc.cluster.local: no answer from kube-dns 10.96.0.10 after 4 queries: the name was never resolved',
    ]);
    expect(t.hops.filter((h) => h.step === 'query').every((h) => h.text.endsWith('→ no answer (timed out) (' + h.text.split('(').pop()))).toBe(true);
  });

  it('afternoon-deploy: the REJECT is named as the Service having no endpoints', () => {
    const t = buildTrace(traceInput(loadFixture('afternoon-deploy')));
    expect(t.verdict).toBe('rejected');
    // …and why: the selector, against the labels the namespace's pods carry.
    expect(last(t).text).toBe(
      'rejected on worker2 by kube-proxy: Service shop/api has no endpoints (port http): its selector app=api-v2 matches no pod in namespace shop (the pods there are labelled app=api, app=frontend, app=reports)',
    );
    expect(t.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'selector app=api-v2 matches no pod' });
    expect(last(t).rule!.text).toMatch(/-A KUBE-SERVICES -d 10\.96\.85\.245\/32 -p tcp .*"shop\/api:http has no endpoints".* -j REJECT/);
  });

  it('a rule nobody owns is reported as hand-written, with its text', () => {
    const t = buildTrace(traceInput(loadFixture('hand-drop')));
    expect(t.verdict).toBe('dropped');
    expect(last(t).text).toBe('dropped on worker2 by a hand-written rule no Kubernetes object owns: -A FORWARD -d 10.244.2.2/32 -j DROP');
    expect(t.blame).toEqual({ kind: 'Rule', name: '-A FORWARD -d 10.244.2.2/32 -j DROP', detail: 'worker2', by: 'hand-written' });
  });

  it('attributes counters to the flow and leaves other traffic out', () => {
    const t = buildTrace(traceInput(loadFixture('afternoon-deploy')));
    const reject = t.rules.find((r) => r.text.includes('has no endpoints'))!;
    expect(reject).toMatchObject({
      where: 'worker2',
      table: 'filter',
      chain: 'KUBE-SERVICES',
      packets: 1,
      flows: ['connection'],
      owner: 'kube-proxy: Service shop/api port http',
    });
    const dnsRules = t.rules.filter((r) => r.text.includes('kube-dns:dns'));
    expect(dnsRules.length).toBeGreaterThan(0);
    expect(dnsRules.every((r) => r.flows.join() === 'dns')).toBe(true);
    // nodes the connection never reached carry only DNS traffic (the CoreDNS pods live there)
    expect(t.rules.filter((r) => r.where !== 'worker2').every((r) => r.flows.join() === 'dns')).toBe(true);
  });
});

describe('buildTrace on edited captures', () => {
  const solved = loadFixture('friday-merge-solved');
  const timeout = { ...solved.probe, outcome: 'timeout' as const, detail: 'no answer from 10.96.58.14:8080 within 1000 ms', answeredBy: undefined };

  it('a FORWARD policy of DROP set by hand', () => {
    const f = withCounters(solved, 'worker', (text) => text.replace(/:FORWARD ACCEPT \[\d+:\d+\]/, ':FORWARD DROP [2:120]'));
    const t = buildTrace(traceInput({ ...f, probe: timeout }));
    expect(last(t).text).toMatch(/^dropped on worker by the filter FORWARD chain's policy DROP/);
    expect(t.blame).toMatchObject({ kind: 'Rule', name: '-P FORWARD DROP', by: 'chain policy' });
  });

  it("a missing route to another node's pod CIDR", () => {
    const routes = { ...solved.routes, worker2: solved.routes.worker2!.filter((r) => r.dst !== '10.244.1.0/24') };
    const t = buildTrace(traceInput({ ...solved, routes, probe: timeout }));
    expect(last(t).text).toBe(
      'route default via 172.18.0.1 on worker2: no route to 10.244.1.0/24 (pods of node worker), so the packet goes to the default gateway and never reaches 10.244.1.3',
    );
    expect(t.verdict).toBe('lost');
    expect(t.blame).toEqual({ kind: 'Node', name: 'worker2', detail: 'route to 10.244.1.0/24' });
  });

  it('a blackhole route', () => {
    const routes = { ...solved.routes, worker: [...solved.routes.worker!.filter((r) => r.dst !== '10.244.1.3'), { type: 'blackhole', dst: '10.244.1.3' }] };
    const t = buildTrace(traceInput({ ...solved, routes, probe: timeout }));
    expect(last(t).text).toBe('route 10.244.1.3 on worker is blackhole: the kernel drops the packet');
  });

  it("a DROP typed into the source pod's own namespace", () => {
    const source = 'shop/frontend-mfz5wblsrv-kzhx9';
    const rules = (n: number) => `*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n[${n}:${n * 60}] -A OUTPUT -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n`;
    const counters = [...solved.counters, { where: { namespace: 'shop', pod: source.split('/')[1]! }, before: rules(0), after: rules(3) }];
    const t = buildTrace(traceInput({ ...solved, counters, probe: timeout }));
    expect(lines(t).slice(1)).toEqual([
      `✗ dropped in pod ${source} by a hand-written rule no Kubernetes object owns: -A OUTPUT -p tcp -m tcp --dport 8080 -j DROP`,
    ]);
    expect(t.blame).toMatchObject({ kind: 'Rule', detail: `pod ${source}`, by: 'hand-written' });
  });

  it('refused by the pod itself (nothing listens) when no rule rejected it', () => {
    const t = buildTrace(traceInput({ ...solved, probe: { ...timeout, outcome: 'refused', detail: 'ECONNREFUSED' } }));
    expect(last(t).text).toBe('refused by 10.244.1.3:8080 (pod shop/api-mj2fj2bllw-pjq8b): nothing listens on tcp/8080 there (the pod answered with a reset)');
    expect(t.verdict).toBe('refused');
  });

  it('a timeout with no drop counted says so instead of guessing; replies seen point at the MTU', () => {
    const t = buildTrace(traceInput({ ...solved, probe: timeout }));
    expect(last(t)).toMatchObject({ status: 'fail', step: 'lost' });
    expect(last(t).text).toMatch(/the connection was set up \(conntrack saw replies\) but the answer never arrived.*MTU black hole/);
    expect(t.verdict).toBe('lost');
    expect(t.blame).toBeUndefined();
    const unreplied = { ...solved, counters: solved.counters.map((c) => ({ ...c, conntrackAfter: '' })) };
    expect(last(buildTrace(traceInput({ ...unreplied, probe: timeout }))).text).toMatch(
      /no rule on the way counted a drop \(look at routes, MTU and the pod itself/,
    );
  });

  it('a dropped ICMP "fragmentation needed" on the way back is named as the black hole', () => {
    const rule = (n: number) => `[${n}:${n * 576}] -A OUTPUT -p icmp -m icmp --icmp-type 3/4 -m comment --comment "hardening baseline 4.2" -j DROP\nCOMMIT`;
    const counters = solved.counters.map((c) =>
      'node' in c.where && c.where.node === 'worker' ? { ...c, before: c.before.replace('COMMIT', rule(0)), after: c.after.replace('COMMIT', rule(2)) } : c,
    );
    const t = buildTrace(traceInput({ ...solved, counters, probe: timeout }));
    expect(last(t).text).toBe(
      'ICMP dropped on worker by a hand-written rule no Kubernetes object owns: -A OUTPUT -p icmp -m icmp --icmp-type 3/4 -m comment --comment "hardening baseline 4.2" -j DROP — without "fragmentation needed" the sender never learns the path MTU, so packets too big for it vanish (an MTU black hole)',
    );
    expect(t.verdict).toBe('dropped');
    expect(t.blame).toMatchObject({ kind: 'Rule', detail: 'worker', by: 'hand-written' });
  });

  it('a stale DNAT left by a kube-proxy that no longer runs on the node', () => {
    // The api pod on worker is gone (its endpoint, pod object and route), but worker2's rules still DNAT to it.
    const gone = '10.244.1.3';
    const f: Fixture = {
      ...solved,
      probe: timeout,
      objects: {
        ...solved.objects,
        pods: solved.objects.pods.filter(
          (p) =>
            (p.status as { podIP?: string }).podIP !== gone &&
            !(p.metadata.name.startsWith('kube-proxy-') && (p.spec as { nodeName: string }).nodeName === 'worker2'),
        ),
        endpointSlices: solved.objects.endpointSlices.map((sl) => ({ ...sl, endpoints: (sl.endpoints ?? []).filter((e) => e.addresses[0] !== gone) })),
      },
      routes: { ...solved.routes, worker: solved.routes.worker!.filter((r) => r.dst !== gone) },
    };
    const t = buildTrace(traceInput(f));
    expect(lines(t)).toContain(
      '✗ KUBE-SEP-EGKWI35IQRQYPDFC DNAT → 10.244.1.3:8080: a stale rule, no pod has this address any more (its endpoints now are 10.244.2.2:8080; kube-proxy is not running on worker2)',
    );
    expect(last(t).text).toBe(
      'route default via 172.18.0.1 on worker: no pod has 10.244.1.3 on worker (no /32 route to a pod veth), so the packet goes to the default gateway',
    );
    expect(t.blame).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: 'no kube-proxy pod on worker2: its rules are stale' });
  });

  it('a Service without endpoints is blamed even when the packet dies before the REJECT', () => {
    const broken = loadFixture('afternoon-deploy');
    // As if something earlier in FORWARD had dropped it: the REJECT did not count.
    const f = withCounters(broken, 'worker2', (text) =>
      text.replace(
        /\[\d+:\d+\] (-A KUBE-SERVICES .*has no endpoints)/,
        (_m, rule: string) =>
          `${
            broken.counters
              .find((c) => 'node' in c.where && c.where.node === 'worker2')!
              .before.match(/\[\d+:\d+\] -A KUBE-SERVICES .*has no endpoints/)![0]
              .split(' ')[0]
          } ${rule}`,
      ),
    );
    const t = buildTrace(traceInput({ ...f, probe: { ...broken.probe, outcome: 'timeout', detail: 'no answer' } }));
    expect(lines(t)).toContain(
      '✗ Service shop/api has no endpoints (port http), so kube-proxy on worker2 has no pod to send it to: its selector app=api-v2 matches no pod in namespace shop (the pods there are labelled app=api, app=frontend, app=reports)',
    );
    expect(t.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'selector app=api-v2 matches no pod' });
  });

  it("a nameserver that is no Service of the cluster is blamed on the DNS settings of the pod's Deployment", () => {
    const dns = loadFixture('after-the-pentest');
    const probe = { ...dns.probe, dns: dns.probe.dns!.map((q) => ({ ...q, server: '10.100.0.10:53' })) };
    const t = buildTrace(traceInput({ ...dns, probe }));
    expect(lines(t)[0]).toBe(
      "✗ the pod's resolv.conf names nameserver 10.100.0.10, which is no Service of this cluster (the cluster DNS is kube-system/kube-dns 10.96.0.10): look at the pod template of Deployment shop/frontend: its dnsPolicy and dnsConfig",
    );
    expect(t.blame).toEqual({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'frontend',
      detail: 'pod frontend-mfz5wblsrv-tkcjs: dnsConfig nameserver 10.100.0.10',
    });
  });

  it("refused on a port the pod does not declare blames the Service's targetPort", () => {
    const f: Fixture = {
      ...solved,
      probe: { ...timeout, outcome: 'refused', detail: 'ECONNREFUSED' },
      objects: {
        ...solved.objects,
        endpointSlices: solved.objects.endpointSlices.map((sl) =>
          sl.metadata?.labels?.['kubernetes.io/service-name'] === 'api' ? { ...sl, ports: sl.ports!.map((p) => ({ ...p, port: 80 })) } : sl,
        ),
      },
      counters: solved.counters.map((c) =>
        'node' in c.where && c.where.node === 'worker2'
          ? {
              ...c,
              after: c.after.replace('--to-destination 10.244.1.3:8080', '--to-destination 10.244.1.3:80'),
              conntrackAfter: c.conntrackAfter!.replace(/src=10\.244\.1\.3 dst=10\.244\.2\.3 sport=8080/g, 'src=10.244.1.3 dst=10.244.2.3 sport=80'),
            }
          : c,
      ),
    };
    const t = buildTrace(traceInput(f));
    expect(last(t).text).toBe(
      "refused by 10.244.1.3:80 (pod shop/api-mj2fj2bllw-pjq8b): Service shop/api sends to port 80, but the pod declares tcp http 8080 (check the Service's targetPort)",
    );
    expect(t.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'targetPort 80' });
  });

  it('a NXDOMAIN answer is a DNS failure without a network hop', () => {
    const probe = {
      outcome: 'nxdomain' as const,
      detail: 'apii.shop.svc.cluster.local does not exist',
      ms: 3,
      dns: [{ name: 'apii.shop.svc.cluster.local.', server: '10.96.0.10:53', rcode: 'NXDOMAIN', answers: [], ms: 1, timedOut: false }],
    };
    const t = buildTrace(traceInput({ ...solved, to: 'http://apii.shop.svc.cluster.local:8080/', probe }));
    expect(lines(t)).toEqual(['✗ DNS apii.shop.svc.cluster.local: apii.shop.svc.cluster.local does not exist: NXDOMAIN for every name of the search list']);
    expect(t.verdict).toBe('dns-failed');
  });

  it('dns:// ends at the answer', () => {
    const probe = { outcome: 'success' as const, detail: 'api.shop.svc.cluster.local → 10.96.58.14', ms: 3, address: '10.96.58.14', dns: solved.probe.dns! };
    const t = buildTrace(traceInput({ ...solved, to: 'dns://api.shop.svc.cluster.local', probe }));
    expect(steps(t).slice(-2)).toEqual(['dns', 'delivered']);
    expect(t.verdict).toBe('delivered');
  });

  it('notes rules rewritten while the probe ran', () => {
    const counters = solved.counters.map((c) =>
      'node' in c.where && c.where.node === 'worker' ? { ...c, before: c.before.replace(/\[\d+:\d+\] (-A NETPOL-FORWARD -m conntrack)/, '[99:9999] $1') } : c,
    );
    expect(buildTrace(traceInput({ ...solved, counters })).notes.join('\n')).toMatch(/1 rule\(s\) on worker were rewritten while the probe ran/);
  });

  it('refused by an app that listens on 127.0.0.1 only: its Deployment, not the network', () => {
    const refused = { ...timeout, outcome: 'refused' as const, detail: 'ECONNREFUSED' };
    const listeners = { 'shop/api-mj2fj2bllw-pjq8b': 'tcp LISTEN 0      128    127.0.0.1:8080 0.0.0.0:*\n' };
    const t = buildTrace(traceInput({ ...solved, probe: refused }, { listeners }));
    expect(last(t).text).toBe(
      "refused by 10.244.1.3:8080 (pod shop/api-mj2fj2bllw-pjq8b): the app listens on 127.0.0.1:8080 only, so it answers inside the pod and the pod itself refuses connections from the network (not a network fault: change the app's listen address in Deployment shop/api)",
    );
    expect(t.blame).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api', detail: 'pod api-mj2fj2bllw-pjq8b: listens on 127.0.0.1:8080 only' });
    // Nothing listening at all is also the pod's (its Deployment's) doing.
    expect(buildTrace(traceInput({ ...solved, probe: refused })).blame).toEqual({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'api',
      detail: 'pod api-mj2fj2bllw-pjq8b: nothing listens on tcp/8080',
    });
  });

  it('NXDOMAIN for a cluster name while the Corefile serves another zone: the CoreDNS ConfigMap', () => {
    const probe = {
      outcome: 'nxdomain' as const,
      detail: 'api.shop.svc.cluster.local does not exist',
      ms: 3,
      dns: solved.probe.dns!.map((q) => ({ ...q, rcode: 'NXDOMAIN', answers: [] })),
    };
    const corefile = KUBEADM_DEFAULT_COREFILE.replace('kubernetes cluster.local', 'kubernetes cluster.lcoal');
    const t = buildTrace(traceInput({ ...solved, probe }, { corefile }));
    expect(t.blame).toEqual({
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'coredns',
      detail: 'Corefile: kubernetes zone cluster.lcoal, not cluster.local',
    });
    expect(lines(t)[0]).toMatch(
      /^✗ CoreDNS answered NXDOMAIN for names under cluster\.local: the Corefile's kubernetes plugin \(line \d+\) serves cluster\.lcoal in-addr\.arpa ip6\.arpa, not cluster\.local/,
    );
    // With the kubeadm Corefile, NXDOMAIN is the truth about the name: nothing to blame.
    expect(buildTrace(traceInput({ ...solved, probe }, { corefile: KUBEADM_DEFAULT_COREFILE })).blame).toBeUndefined();
  });

  it('of two policies isolating the api, the allow rule whose peer matches nobody is blamed, and why', () => {
    const broken = loadFixture('friday-merge');
    const typo = structuredClone(solved.objects.policies.find((p) => p.metadata?.name === 'allow-frontend-to-api')!);
    (typo.spec!.ingress![0] as { from: { podSelector: { matchLabels: Record<string, string> } }[] }).from[0]!.podSelector.matchLabels = { app: 'fronted' };
    const t = buildTrace(traceInput({ ...broken, objects: { ...broken.objects, policies: [...broken.objects.policies, typo] } }));
    expect(t.blame).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-frontend-to-api', detail: 'ingress' });
    expect(last(t).text).toMatch(
      /^dropped on worker2 by NetworkPolicy shop\/allow-frontend-to-api, shop\/default-deny-ingress \(ingress: .*; shop\/allow-frontend-to-api: its ingress rule 0 admits tcp\/http, but its from \(podSelector app=fronted\) does not match pod shop\/frontend-mfz5wblsrv-kzhx9\)$/,
    );
  });

  it('a drop no iptables rule counted (kindnet enforces policies in nftables) is named from the policies', () => {
    const broken = loadFixture('friday-merge');
    // As on kind: no NETPOL rule counts the drop (kindnet drops in nftables); kube-proxy's DNAT still counts.
    const uncount = (after: string, before: string) => {
      const old = new Map(before.split('\n').map((l) => [l.replace(/^\[\d+:\d+\] /, ''), l]));
      return after
        .split('\n')
        .map((l) => (l.includes('NETPOL') ? (old.get(l.replace(/^\[\d+:\d+\] /, '')) ?? l) : l))
        .join('\n');
    };
    const uncounted = { ...broken, counters: broken.counters.map((c) => ({ ...c, after: uncount(c.after, c.before) })) };
    const t = buildTrace(traceInput(uncounted));
    expect(t.verdict).toBe('dropped');
    expect(t.blame).toEqual({ kind: 'NetworkPolicy', namespace: 'shop', name: 'default-deny-ingress', detail: 'ingress' });
    expect(last(t).text).toMatch(
      /^timeout at 10\.244\.2\.2:8080 \(pod shop\/api-\S+\): no iptables rule counted a drop, but NetworkPolicy shop\/default-deny-ingress \(ingress\) allows no tcp\/8080 from pod shop\/frontend-\S+; a policy enforced outside iptables \(kindnet's nftables on kind\) drops without counters here$/,
    );
  });

  it('DNS queries lost on the way to a CoreDNS pod across a missing route: the route', () => {
    const routes = { ...solved.routes, worker2: solved.routes.worker2!.filter((r) => r.dst !== '10.244.1.0/24') };
    // One query kube-proxy sent to the CoreDNS pod on worker got no reply; the others were answered from control-plane.
    const lost =
      'udp      17 29 src=10.244.2.3 dst=10.96.0.10 sport=41111 dport=53 [UNREPLIED] src=10.244.1.2 dst=10.244.2.3 sport=53 dport=41111 mark=0 use=1\n';
    const counters = solved.counters.map((c) => ('node' in c.where && c.where.node === 'worker2' ? { ...c, conntrackAfter: lost + c.conntrackAfter } : c));
    const dns = [{ ...solved.probe.dns![0]!, timedOut: true, answers: [] }, ...solved.probe.dns!.slice(1, 3)];
    const { rcode: _dropped, ...unanswered } = dns[0]!;
    const probe = { outcome: 'dns-timeout' as const, detail: 'no DNS server answered', ms: 2000, dns: [unanswered, ...dns.slice(1)] };
    const t = buildTrace(traceInput({ ...solved, routes, counters, probe }));
    expect(t.verdict).toBe('dns-failed');
    expect(t.blame).toEqual({ kind: 'Node', name: 'worker2', detail: 'route to 10.244.1.0/24' });
    expect(lines(t)).toContain(
      '✗ route default via 172.18.0.1 on worker2: no route to 10.244.1.0/24 (pods of node worker), so the packet goes to the default gateway and never reaches 10.244.1.2',
    );
  });
});

describe('longestPrefixMatch', () => {
  const routes = [
    { dst: 'default', gateway: '172.18.0.1', dev: 'eth0' },
    { dst: '10.244.1.0/24', gateway: '172.18.0.3', dev: 'eth0' },
    { dst: '10.244.2.2', dev: 'veth1', scope: 'link' },
    { dst: '172.18.0.0/16', dev: 'eth0' },
  ];
  it.each([
    ['10.244.2.2', 'veth1'],
    ['10.244.1.9', '10.244.1.0/24'],
    ['172.18.0.3', '172.18.0.0/16'],
    ['1.1.1.1', 'default'],
  ])('%s → %s', (ip, want) => {
    const r = longestPrefixMatch(routes, ip)!;
    expect(r.dev === want || r.dst === want).toBe(true);
  });
});
