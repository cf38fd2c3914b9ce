import { describe, expect, it } from 'vitest';
import { KUBEADM_DEFAULT_COREFILE } from '../../../../src/k8s/dns/kubeadm-corefile.js';
import { parseCorefile, pluginOf, type KubernetesConfig } from '../../../../src/k8s/dns/corefile.js';
import { addressFromReverse, answerKubernetes, type KubernetesAnswer } from '../../../../src/lab/netns/dns/records.js';
import { answerData, ttlOf } from '../../../../src/lab/netns/dns/wire.js';
import { fixtureSnapshot } from './fixture.js';

function kubernetes(options = ''): KubernetesConfig {
  const text = options ? `.:53 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n${options}\n  }\n}\n` : KUBEADM_DEFAULT_COREFILE;
  return pluginOf(parseCorefile(text).servers[0]!, 'kubernetes')!;
}

const KUBEADM = kubernetes();
const snapshot = fixtureSnapshot();

/** `rcode TYPE data, TYPE data | additional…` or `next`, for compact tables. */
function show(a: KubernetesAnswer): string {
  if (a.kind === 'next') return 'next';
  const records = a.answers.map((r) => `${r.type} ${answerData(r)}`).join(', ');
  const extra = a.additionals.map((r) => `${r.name} ${r.type} ${answerData(r)}`).join(', ');
  return [a.rcode, records].filter(Boolean).join(' ') + (extra ? ` | ${extra}` : '') + (a.chase ? ` (chase ${a.chase.target})` : '');
}

const ask = (name: string, type = 'A', cfg = KUBEADM) => show(answerKubernetes(snapshot, cfg, { name, type }));

describe('answerKubernetes (kubeadm config)', () => {
  it.each<[string, string, string]>([
    // Services
    ['api.shop.svc.cluster.local', 'A', 'NOERROR A 10.96.10.10'],
    ['API.Shop.svc.cluster.local.', 'A', 'NOERROR A 10.96.10.10'],
    ['noeps.shop.svc.cluster.local', 'A', 'NOERROR A 10.96.10.11'],
    ['kubernetes.default.svc.cluster.local', 'A', 'NOERROR A 10.96.0.1'],
    // Headless: one A per ready endpoint; NXDOMAIN when none is ready
    ['db.shop.svc.cluster.local', 'A', 'NOERROR A 10.244.1.8, A 10.244.2.9'],
    ['drained.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['db-0.db.shop.svc.cluster.local', 'A', 'NOERROR A 10.244.1.8'],
    ['db-2.db.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['10-244-1-5.api.shop.svc.cluster.local', 'A', 'NOERROR A 10.244.1.5'],
    ['api-1.api.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    // SRV for named ports
    ['_http._tcp.api.shop.svc.cluster.local', 'SRV', 'NOERROR SRV 0 100 80 api.shop.svc.cluster.local. | api.shop.svc.cluster.local. A 10.96.10.10'],
    ['_http._udp.api.shop.svc.cluster.local', 'SRV', 'NXDOMAIN'],
    ['_nope._tcp.api.shop.svc.cluster.local', 'SRV', 'NXDOMAIN'],
    [
      'api.shop.svc.cluster.local',
      'SRV',
      'NOERROR SRV 0 50 80 api.shop.svc.cluster.local., SRV 0 50 9090 api.shop.svc.cluster.local. | api.shop.svc.cluster.local. A 10.96.10.10',
    ],
    [
      '_pg._tcp.db.shop.svc.cluster.local',
      'SRV',
      'NOERROR SRV 0 50 5432 db-0.db.shop.svc.cluster.local., SRV 0 50 5432 db-1.db.shop.svc.cluster.local. | db-0.db.shop.svc.cluster.local. A 10.244.1.8, db-1.db.shop.svc.cluster.local. A 10.244.2.9',
    ],
    [
      '_https._tcp.kubernetes.default.svc.cluster.local',
      'SRV',
      'NOERROR SRV 0 100 443 kubernetes.default.svc.cluster.local. | kubernetes.default.svc.cluster.local. A 10.96.0.1',
    ],
    // ExternalName
    ['ext.shop.svc.cluster.local', 'A', 'NOERROR CNAME example.com. (chase example.com.)'],
    ['ext.shop.svc.cluster.local', 'CNAME', 'NOERROR CNAME example.com.'],
    ['ext.shop.svc.cluster.local', 'SRV', 'NOERROR'],
    ['alias.shop.svc.cluster.local', 'A', 'NOERROR CNAME api.shop.svc.cluster.local., A 10.96.10.10'],
    // Pods (insecure)
    ['10-244-1-5.shop.pod.cluster.local', 'A', 'NOERROR A 10.244.1.5'],
    ['1-2-3-4.shop.pod.cluster.local', 'A', 'NOERROR A 1.2.3.4'],
    ['1-2-3-4.nosuch.pod.cluster.local', 'A', 'NXDOMAIN'],
    ['not-an-ip.shop.pod.cluster.local', 'A', 'NXDOMAIN'],
    // PTR for ClusterIPs and endpoint addresses; unknown addresses fall through (kubeadm)
    ['10.10.96.10.in-addr.arpa', 'PTR', 'NOERROR PTR api.shop.svc.cluster.local.'],
    ['10.0.96.10.in-addr.arpa', 'PTR', 'NOERROR PTR kube-dns.kube-system.svc.cluster.local.'],
    ['5.1.244.10.in-addr.arpa', 'PTR', 'NOERROR PTR 10-244-1-5.api.shop.svc.cluster.local.'],
    ['8.1.244.10.in-addr.arpa', 'PTR', 'NOERROR PTR db-0.db.shop.svc.cluster.local.'],
    ['9.9.9.9.in-addr.arpa', 'PTR', 'next'],
    // dns-version
    ['dns-version.cluster.local', 'TXT', 'NOERROR TXT "1.1.0"'],
    ['dns-version.cluster.local', 'A', 'NXDOMAIN'],
    // NXDOMAIN versus NODATA
    ['nosuch.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['api.nosuch.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['api.shop.svc.cluster.local', 'AAAA', 'NOERROR'],
    ['api.shop.svc.cluster.local', 'MX', 'NOERROR'],
    ['api.shop.svc.cluster.local', 'TXT', 'NOERROR'],
    ['nosuch.shop.svc.cluster.local', 'TXT', 'NXDOMAIN'],
    ['shop.svc.cluster.local', 'A', 'NOERROR'],
    ['quiet.svc.cluster.local', 'A', 'NOERROR'],
    ['nosuch.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['svc.cluster.local', 'A', 'NOERROR'],
    ['cluster.local', 'A', 'NOERROR'],
    ['foo.cluster.local', 'A', 'NXDOMAIN'],
    ['x.y._http._tcp.api.shop.svc.cluster.local', 'A', 'NXDOMAIN'],
    // The cluster DNS service's own name
    ['ns.dns.cluster.local', 'A', 'NOERROR A 10.96.0.10'],
    // Not the plugin's zones
    ['example.com', 'A', 'next'],
  ])('%s %s → %s', (name, type, expected) => {
    expect(ask(name, type)).toBe(expected);
  });

  it('uses the ttl option, the SOA on negative answers and the original name case', () => {
    const pos = answerKubernetes(snapshot, KUBEADM, { name: 'API.shop.svc.cluster.local', type: 'A' });
    expect(pos.kind === 'answer' && pos.answers[0]).toMatchObject({ name: 'API.shop.svc.cluster.local.', ttl: 30 });
    const neg = answerKubernetes(snapshot, KUBEADM, { name: 'nosuch.shop.svc.cluster.local', type: 'A' });
    expect(neg.kind === 'answer' && neg.authorities[0]).toMatchObject({
      type: 'SOA',
      name: 'cluster.local.',
      ttl: 30,
      data: { mname: 'ns.dns.cluster.local.', rname: 'hostmaster.cluster.local.', minimum: 30 },
    });
    const version = answerKubernetes(snapshot, KUBEADM, { name: 'dns-version.cluster.local', type: 'TXT' });
    expect(version.kind === 'answer' && ttlOf(version.answers[0])).toBe(28800);
    expect(answerKubernetes(snapshot, KUBEADM, { name: 'cluster.local', type: 'SOA' })).toMatchObject({ rcode: 'NOERROR', answers: [{ type: 'SOA' }] });
  });
});

describe('answerKubernetes (other options)', () => {
  it('defaults to ttl 5 and pods disabled', () => {
    const cfg = pluginOf(parseCorefile('cluster.local {\n  kubernetes\n}').servers[0]!, 'kubernetes')!;
    const a = answerKubernetes(snapshot, cfg, { name: 'api.shop.svc.cluster.local', type: 'A' });
    expect(a.kind === 'answer' && ttlOf(a.answers[0])).toBe(5);
    expect(ask('10-244-1-5.shop.pod.cluster.local', 'A', cfg)).toBe('NXDOMAIN');
  });

  it('answers pod names only for real pods with pods verified', () => {
    const cfg = kubernetes('    pods verified');
    expect(ask('10-244-1-5.shop.pod.cluster.local', 'A', cfg)).toBe('NOERROR A 10.244.1.5');
    expect(ask('10-244-1-5.default.pod.cluster.local', 'A', cfg)).toBe('NXDOMAIN');
    expect(ask('1-2-3-4.shop.pod.cluster.local', 'A', cfg)).toBe('NXDOMAIN');
  });

  it('answers NXDOMAIN for unknown PTRs without fallthrough', () => {
    expect(ask('9.9.9.9.in-addr.arpa', 'PTR', kubernetes('    ttl 30'))).toBe('NXDOMAIN');
  });

  it('falls through for every zone with a bare fallthrough', () => {
    const cfg = kubernetes('    fallthrough');
    expect(ask('nosuch.shop.svc.cluster.local', 'A', cfg)).toBe('next');
    expect(ask('api.shop.svc.cluster.local', 'A', cfg)).toBe('NOERROR A 10.96.10.10');
  });

  it('exposes only the listed namespaces', () => {
    const cfg = kubernetes('    namespaces default kube-system');
    expect(ask('api.shop.svc.cluster.local', 'A', cfg)).toBe('NXDOMAIN');
    expect(ask('kubernetes.default.svc.cluster.local', 'A', cfg)).toBe('NOERROR A 10.96.0.1');
    expect(ask('10.10.96.10.in-addr.arpa', 'PTR', cfg)).toBe('NXDOMAIN');
  });

  it('names endpoints after their pods with endpoint_pod_names', () => {
    const cfg = kubernetes('    endpoint_pod_names');
    expect(ask('api-1.api.shop.svc.cluster.local', 'A', cfg)).toBe('NOERROR A 10.244.1.5');
    expect(ask('db-0.db.shop.svc.cluster.local', 'A', cfg)).toBe('NOERROR A 10.244.1.8');
  });

  it('hides services without endpoints with ignore empty_service', () => {
    const cfg = kubernetes('    ignore empty_service');
    expect(ask('noeps.shop.svc.cluster.local', 'A', cfg)).toBe('NXDOMAIN');
    expect(ask('api.shop.svc.cluster.local', 'A', cfg)).toBe('NOERROR A 10.96.10.10');
  });

  it('answers SERVFAIL before the store has been read', () => {
    expect(show(answerKubernetes(undefined, KUBEADM, { name: 'api.shop.svc.cluster.local', type: 'A' }))).toBe('SERVFAIL');
  });
});

describe('addressFromReverse', () => {
  it.each<[string, string | undefined]>([
    ['4.3.2.1.in-addr.arpa.', '1.2.3.4'],
    ['3.2.1.in-addr.arpa.', undefined],
    ['256.3.2.1.in-addr.arpa.', undefined],
    ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.', 'fd00::1'],
  ])('%s', (name, ip) => {
    expect(addressFromReverse(name)).toBe(ip);
  });
});
