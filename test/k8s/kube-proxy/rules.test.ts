import { describe, expect, it } from 'vitest';
import type { V1Service } from '../../../src/k8s/objects.js';
import { kubeProxyRestore, type KubeProxyInput } from '../../../src/k8s/kube-proxy/rules.js';
import { slice, smallCluster } from './fixtures.js';

// shop/web:http + tcp, and its endpoints' chains (see chain-names.test.ts for the hash itself).
const WEB = '67NZLRHBNDSAWJRO';
const SEP_WEB_1 = 'KUBE-SEP-34ZZ2QFGO32YYXXO'; // 10.244.1.5:8080, on node worker
const SEP_WEB_2 = 'KUBE-SEP-DYSIX5QMVXZZP7LU'; // 10.244.2.7:8080, on node worker2

// Shaped after the expected dumps in upstream's proxier_test.go (TestOverallIPTablesRules).
const SMALL_CLUSTER_DUMP = `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
-A KUBE-SERVICES -m comment --comment "shop/db has no endpoints" -m tcp -p tcp -d 10.96.200.20 --dport 5432 -j REJECT
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-67NZLRHBNDSAWJRO - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-34ZZ2QFGO32YYXXO - [0:0]
:KUBE-SEP-6E7XQMQ4RAYOWTTM - [0:0]
:KUBE-SEP-DYSIX5QMVXZZP7LU - [0:0]
:KUBE-SEP-ZXMNUKOKXUTL2MK2 - [0:0]
:KUBE-SVC-67NZLRHBNDSAWJRO - [0:0]
:KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]
:KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
-A KUBE-NODEPORTS -m comment --comment shop/web:http -m tcp -p tcp --dport 30080 -j KUBE-EXT-67NZLRHBNDSAWJRO
-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4
-A KUBE-SERVICES -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 -j KUBE-SVC-67NZLRHBNDSAWJRO
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-67NZLRHBNDSAWJRO -m comment --comment "masquerade traffic for shop/web:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-67NZLRHBNDSAWJRO -j KUBE-SVC-67NZLRHBNDSAWJRO
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-34ZZ2QFGO32YYXXO -m comment --comment shop/web:http -s 10.244.1.5 -j KUBE-MARK-MASQ
-A KUBE-SEP-34ZZ2QFGO32YYXXO -m comment --comment shop/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -m comment --comment kube-system/kube-dns:dns -s 10.244.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.244.0.3:53
-A KUBE-SEP-DYSIX5QMVXZZP7LU -m comment --comment shop/web:http -s 10.244.2.7 -j KUBE-MARK-MASQ
-A KUBE-SEP-DYSIX5QMVXZZP7LU -m comment --comment shop/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.7:8080
-A KUBE-SEP-ZXMNUKOKXUTL2MK2 -m comment --comment kube-system/kube-dns:dns-tcp -s 10.244.0.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-ZXMNUKOKXUTL2MK2 -m comment --comment kube-system/kube-dns:dns-tcp -m tcp -p tcp -j DNAT --to-destination 10.244.0.3:53
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-34ZZ2QFGO32YYXXO
-A KUBE-SVC-67NZLRHBNDSAWJRO -m comment --comment "shop/web:http -> 10.244.2.7:8080" -j KUBE-SEP-DYSIX5QMVXZZP7LU
-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.0.3:53" -j KUBE-SEP-ZXMNUKOKXUTL2MK2
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.3:53" -j KUBE-SEP-6E7XQMQ4RAYOWTTM
COMMIT
`;

/** The `-A <chain>` lines of one table, in order. */
function rulesOf(dump: string, table: 'filter' | 'nat', chain: string): string[] {
  const section = dump.split('COMMIT\n').find((part) => part.startsWith(`*${table}\n`)) ?? '';
  return section.split('\n').filter((line) => line.startsWith(`-A ${chain} `) || line === `-A ${chain}`);
}

function declared(dump: string, table: 'filter' | 'nat'): string[] {
  const section = dump.split('COMMIT\n').find((part) => part.startsWith(`*${table}\n`)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith(':'))
    .map((line) => line.slice(1).split(' ')[0]!);
}

function withWeb(input: KubeProxyInput, change: (svc: V1Service) => void): KubeProxyInput {
  const web = input.services.find((svc) => svc.metadata?.name === 'web')!;
  change(web);
  return input;
}

describe('kubeProxyRestore', () => {
  it('writes the whole dump for a small cluster', () => {
    expect(kubeProxyRestore(smallCluster())).toBe(SMALL_CLUSTER_DUMP);
  });

  it('is deterministic whatever the order of its input', () => {
    const input = smallCluster();
    input.services.reverse();
    input.endpointSlices.reverse();
    for (const s of input.endpointSlices) s.endpoints.reverse();
    expect(kubeProxyRestore(input)).toBe(SMALL_CLUSTER_DUMP);
  });

  it('spreads over n endpoints with 1/(n-i), the last one unconditional', () => {
    const input = smallCluster();
    input.endpointSlices[0] = slice(
      'shop',
      'web',
      [{ name: 'http', port: 8080 }],
      [
        { ip: '10.244.1.5', node: 'worker', pod: 'web-1' },
        { ip: '10.244.2.7', node: 'worker2', pod: 'web-2' },
        { ip: '10.244.1.10', node: 'worker', pod: 'web-3' },
      ],
    );
    const picks = rulesOf(kubeProxyRestore(input), 'nat', `KUBE-SVC-${WEB}`).slice(1);
    // Sorted as strings, as upstream sorts endpoints: 10.244.1.10 before 10.244.1.5.
    expect(picks.map((rule) => rule.match(/--comment "shop\/web:http -> ([^"]+)"/)?.[1])).toEqual(['10.244.1.10:8080', '10.244.1.5:8080', '10.244.2.7:8080']);
    expect(picks.map((rule) => rule.match(/--probability (\S+)/)?.[1] ?? 'none')).toEqual(['0.3333333333', '0.5000000000', 'none']);
  });

  it('deletes stale per-service chains in nat and leaves every other chain alone', () => {
    const input = smallCluster();
    input.existingChains = {
      nat: [
        'PREROUTING',
        'KUBE-SERVICES',
        'KUBE-MARK-DROP',
        `KUBE-SVC-${WEB}`,
        'KUBE-SEP-AAAAAAAAAAAAAAAA',
        'KUBE-SVC-BBBBBBBBBBBBBBBB',
        'KUBE-SVL-CCCCCCCCCCCCCCCC',
        'KUBE-FW-DDDDDDDDDDDDDDDD',
        'KUBE-EXT-EEEEEEEEEEEEEEEE',
        'DOCKER',
      ],
      filter: ['INPUT', 'KUBE-SERVICES', 'KUBE-SVC-FFFFFFFFFFFFFFFF'],
    };
    const dump = kubeProxyRestore(input);
    const tail = dump
      .split('*nat\n')[1]!
      .split('\n')
      .filter((line) => line.startsWith('-X '));
    expect(tail).toEqual([
      '-X KUBE-EXT-EEEEEEEEEEEEEEEE',
      '-X KUBE-FW-DDDDDDDDDDDDDDDD',
      '-X KUBE-SEP-AAAAAAAAAAAAAAAA',
      '-X KUBE-SVC-BBBBBBBBBBBBBBBB',
      '-X KUBE-SVL-CCCCCCCCCCCCCCCC',
    ]);
    // Each deleted chain is declared first, which flushes it so -X can succeed.
    expect(declared(dump, 'nat')).toEqual(expect.arrayContaining(['KUBE-SEP-AAAAAAAAAAAAAAAA', 'KUBE-SVC-BBBBBBBBBBBBBBBB']));
    expect(declared(dump, 'nat')).not.toContain('KUBE-MARK-DROP');
    expect(dump).not.toContain('-X KUBE-SVC-' + WEB);
    expect(dump.split('*nat\n')[0]).not.toContain('-X');
  });

  it('deletes the chains of a Service whose endpoints went away', () => {
    const before = kubeProxyRestore(smallCluster());
    const input = smallCluster();
    input.endpointSlices = input.endpointSlices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] !== 'web');
    input.existingChains.nat = declared(before, 'nat');
    const dump = kubeProxyRestore(input);
    expect(dump).toContain(`-X KUBE-SVC-${WEB}\n`);
    expect(dump).toContain(`-X KUBE-EXT-${WEB}\n`);
    expect(dump).toContain(`-X ${SEP_WEB_1}\n`);
    expect(dump).toContain(`-X ${SEP_WEB_2}\n`);
    expect(rulesOf(dump, 'filter', 'KUBE-SERVICES')).toContain(
      '-A KUBE-SERVICES -m comment --comment "shop/web:http has no endpoints" -m tcp -p tcp -d 10.96.100.10 --dport 80 -j REJECT',
    );
    expect(rulesOf(dump, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "shop/web:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT',
    ]);
    expect(rulesOf(dump, 'nat', 'KUBE-NODEPORTS')).toEqual([]);
  });

  describe('externalTrafficPolicy Local', () => {
    const local = () => withWeb(smallCluster(), (svc) => (svc.spec!.externalTrafficPolicy = 'Local'));

    it("sends external traffic to this node's endpoints, short-circuiting pods and the node itself", () => {
      const dump = kubeProxyRestore(local());
      expect(rulesOf(dump, 'nat', `KUBE-EXT-${WEB}`)).toEqual([
        `-A KUBE-EXT-${WEB} -m comment --comment "pod traffic for shop/web:http external destinations" -s 10.244.0.0/16 -j KUBE-SVC-${WEB}`,
        `-A KUBE-EXT-${WEB} -m comment --comment "masquerade LOCAL traffic for shop/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A KUBE-EXT-${WEB} -m comment --comment "route LOCAL traffic for shop/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${WEB}`,
        `-A KUBE-EXT-${WEB} -j KUBE-SVL-${WEB}`,
      ]);
      expect(rulesOf(dump, 'nat', `KUBE-SVL-${WEB}`)).toEqual([`-A KUBE-SVL-${WEB} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -j ${SEP_WEB_1}`]);
      // ClusterIP traffic still uses every ready endpoint.
      expect(rulesOf(dump, 'nat', `KUBE-SVC-${WEB}`)).toHaveLength(3);
      expect(rulesOf(dump, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([]);
    });

    it('drops external traffic on a node with no local endpoint', () => {
      const input = local();
      input.nodeName = 'worker3';
      const dump = kubeProxyRestore(input);
      expect(rulesOf(dump, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "shop/web:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP',
      ]);
      expect(declared(dump, 'nat')).not.toContain(`KUBE-SVL-${WEB}`);
      expect(rulesOf(dump, 'nat', `KUBE-EXT-${WEB}`).at(-1)).toContain('--src-type LOCAL -j KUBE-SVC-');
      expect(rulesOf(dump, 'nat', 'KUBE-NODEPORTS')).toHaveLength(1);
    });

    it('opens a health check node port for a LoadBalancer', () => {
      const input = withWeb(local(), (svc) => {
        svc.spec!.type = 'LoadBalancer';
        svc.spec!.healthCheckNodePort = 32000;
      });
      expect(rulesOf(kubeProxyRestore(input), 'filter', 'KUBE-NODEPORTS')).toEqual([
        '-A KUBE-NODEPORTS -m comment --comment "shop/web:http health check node port" -m tcp -p tcp --dport 32000 -j ACCEPT',
      ]);
    });
  });

  describe('internalTrafficPolicy Local', () => {
    const dns = (nodeName: string) => {
      const input = smallCluster();
      input.nodeName = nodeName;
      input.services.find((svc) => svc.metadata?.name === 'kube-dns')!.spec!.internalTrafficPolicy = 'Local';
      return kubeProxyRestore(input);
    };

    it('sends ClusterIP traffic to the KUBE-SVL chain of local endpoints', () => {
      const dump = dns('control-plane');
      expect(rulesOf(dump, 'nat', 'KUBE-SERVICES')).toContain(
        '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVL-TCOU7JCQXEZGVUNU',
      );
      expect(rulesOf(dump, 'nat', 'KUBE-SVL-TCOU7JCQXEZGVUNU')[0]).toContain('! -s 10.244.0.0/16 -j KUBE-MARK-MASQ');
      expect(declared(dump, 'nat')).not.toContain('KUBE-SVC-TCOU7JCQXEZGVUNU');
    });

    it('drops ClusterIP traffic on a node with no local endpoint', () => {
      const dump = dns('worker');
      expect(rulesOf(dump, 'filter', 'KUBE-SERVICES')).toContain(
        '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns has no local endpoints" -m udp -p udp -d 10.96.0.10 --dport 53 -j DROP',
      );
      expect(declared(dump, 'nat').filter((chain) => chain.endsWith('TCOU7JCQXEZGVUNU'))).toEqual([]);
    });
  });

  it('keeps clients on one endpoint with sessionAffinity ClientIP', () => {
    const input = withWeb(smallCluster(), (svc) => {
      svc.spec!.sessionAffinity = 'ClientIP';
      svc.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 600 } };
    });
    const dump = kubeProxyRestore(input);
    expect(rulesOf(dump, 'nat', `KUBE-SVC-${WEB}`).slice(1)).toEqual([
      `-A KUBE-SVC-${WEB} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -m recent --name ${SEP_WEB_1} --rcheck --seconds 600 --reap -j ${SEP_WEB_1}`,
      `-A KUBE-SVC-${WEB} -m comment --comment "shop/web:http -> 10.244.2.7:8080" -m recent --name ${SEP_WEB_2} --rcheck --seconds 600 --reap -j ${SEP_WEB_2}`,
      `-A KUBE-SVC-${WEB} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP_WEB_1}`,
      `-A KUBE-SVC-${WEB} -m comment --comment "shop/web:http -> 10.244.2.7:8080" -j ${SEP_WEB_2}`,
    ]);
    expect(rulesOf(dump, 'nat', SEP_WEB_1)).toEqual([
      `-A ${SEP_WEB_1} -m comment --comment shop/web:http -s 10.244.1.5 -j KUBE-MARK-MASQ`,
      `-A ${SEP_WEB_1} -m comment --comment shop/web:http -m recent --name ${SEP_WEB_1} --set -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080`,
    ]);
  });

  it('defaults the affinity timeout to 10800 seconds', () => {
    const input = withWeb(smallCluster(), (svc) => (svc.spec!.sessionAffinity = 'ClientIP'));
    expect(rulesOf(kubeProxyRestore(input), 'nat', `KUBE-SVC-${WEB}`)[1]).toContain('--rcheck --seconds 10800 --reap');
  });

  it('falls back to serving, terminating endpoints when none is ready', () => {
    const input = smallCluster();
    input.endpointSlices[0] = slice(
      'shop',
      'web',
      [{ name: 'http', port: 8080 }],
      [
        { ip: '10.244.1.5', node: 'worker', pod: 'web-1', ready: false, serving: true, terminating: true },
        { ip: '10.244.2.7', node: 'worker2', pod: 'web-2', ready: false, serving: false, terminating: true },
      ],
    );
    expect(rulesOf(kubeProxyRestore(input), 'nat', `KUBE-SVC-${WEB}`).slice(1)).toEqual([
      `-A KUBE-SVC-${WEB} -m comment --comment "shop/web:http -> 10.244.1.5:8080" -j ${SEP_WEB_1}`,
    ]);
  });

  it('writes external IPs, LoadBalancer IPs and source ranges like upstream', () => {
    const input = withWeb(smallCluster(), (svc) => {
      svc.spec!.type = 'LoadBalancer';
      svc.spec!.externalIPs = ['192.168.99.22'];
      svc.spec!.loadBalancerSourceRanges = ['172.18.0.0/16'];
      svc.status = { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } };
    });
    const dump = kubeProxyRestore(input);
    expect(rulesOf(dump, 'nat', 'KUBE-SERVICES').filter((rule) => rule.includes('shop/web'))).toEqual([
      `-A KUBE-SERVICES -m comment --comment "shop/web:http cluster IP" -m tcp -p tcp -d 10.96.100.10 --dport 80 -j KUBE-SVC-${WEB}`,
      `-A KUBE-SERVICES -m comment --comment "shop/web:http external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-${WEB}`,
      `-A KUBE-SERVICES -m comment --comment "shop/web:http loadbalancer IP" -m tcp -p tcp -d 172.18.255.200 --dport 80 -j KUBE-FW-${WEB}`,
    ]);
    // The node (172.18.0.3) is inside the allowed range, so traffic from the VIP itself is let in too.
    expect(rulesOf(dump, 'nat', `KUBE-FW-${WEB}`)).toEqual([
      `-A KUBE-FW-${WEB} -m comment --comment "shop/web:http loadbalancer IP" -s 172.18.0.0/16 -j KUBE-EXT-${WEB}`,
      `-A KUBE-FW-${WEB} -m comment --comment "shop/web:http loadbalancer IP" -s 172.18.255.200 -j KUBE-EXT-${WEB}`,
      `-A KUBE-FW-${WEB} -m comment --comment "other traffic to shop/web:http will be dropped by KUBE-PROXY-FIREWALL"`,
    ]);
    expect(rulesOf(dump, 'filter', 'KUBE-PROXY-FIREWALL')).toEqual([
      `-A KUBE-PROXY-FIREWALL -m comment --comment "shop/web:http traffic not accepted by KUBE-FW-${WEB}" -m tcp -p tcp -d 172.18.255.200 --dport 80 -j DROP`,
    ]);
  });

  it('drops per-endpoint comments above 1000 endpoints, as upstream does in large clusters', () => {
    const input = smallCluster();
    const many = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.245.${Math.floor(i / 250)}.${(i % 250) + 1}`, node: 'worker2', pod: `p${i}` }));
    input.endpointSlices[0] = slice('shop', 'web', [{ name: 'http', port: 8080 }], many);
    const dump = kubeProxyRestore(input);
    expect(rulesOf(dump, 'nat', `KUBE-SVC-${WEB}`)[1]).toMatch(/^-A KUBE-SVC-\S+ -m statistic --mode random --probability 0\.0009990010 -j KUBE-SEP-/);
    expect(rulesOf(dump, 'nat', 'KUBE-SERVICES')[0]).toContain('--comment');
  });

  it('skips headless and ExternalName Services', () => {
    const dump = kubeProxyRestore(smallCluster());
    expect(dump).not.toContain('shop/headless');
    expect(dump).not.toContain('shop/legacy');
  });

  it('rejects a cluster CIDR it cannot use', () => {
    expect(() => kubeProxyRestore({ ...smallCluster(), clusterCIDR: '10.244.0.0' })).toThrow(/not an IPv4 CIDR/);
  });

  it('leaves out the masquerade rule when no cluster CIDR is known', () => {
    const dump = kubeProxyRestore({ ...smallCluster(), clusterCIDR: '' });
    expect(dump.split('\n').filter((line) => line.includes('KUBE-MARK-MASQ') && line.includes('! -s'))).toEqual([]);
    expect(rulesOf(dump, 'nat', `KUBE-SVC-${WEB}`)).toHaveLength(2);
  });
});
