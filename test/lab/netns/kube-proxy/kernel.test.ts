// Feeds the generated rules to a real kernel, inside a throw-away network namespace so the
// host's own tables are never touched. Needs root (and ip + iptables); skipped otherwise.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeProxyJumps } from '../../../../src/k8s/kube-proxy/jumps.js';
import { kubeProxyRestore } from '../../../../src/k8s/kube-proxy/rules.js';
import { guardHost } from '../../../helpers/host-guard.js';
import { hostNetnsGate } from '../../../helpers/lab-gate.js';
import { slice, smallCluster } from '../../../k8s/kube-proxy/fixtures.js';

const labTests = hostNetnsGate();
const ns = `nbtest-kp-${process.pid}`;

// Every iptables command runs inside the test namespace, never in the host's.
function inNs(argv: string[], input?: string) {
  return execa('ip', ['netns', 'exec', ns, ...argv], { input, reject: false });
}

async function ensureJumps(): Promise<void> {
  for (const jump of kubeProxyJumps) {
    const check = await inNs(['iptables', '-t', jump.table, '-C', jump.chain, ...jump.rule]);
    if (check.exitCode === 0) continue;
    const insert = await inNs(['iptables', '-t', jump.table, '-I', jump.chain, ...jump.rule]);
    expect(insert.exitCode, insert.stderr).toBe(0);
  }
}

async function chains(table: 'nat' | 'filter'): Promise<string[]> {
  const save = await inNs(['iptables-save', '-t', table]);
  expect(save.exitCode, save.stderr).toBe(0);
  return save.stdout
    .split('\n')
    .filter((line) => line.startsWith(':'))
    .map((line) => line.slice(1).split(' ')[0]!);
}

describe.skipIf(labTests.skip)(labTests.title('kube-proxy rules in a real network namespace'), () => {
  guardHost('none');
  let created = false;

  beforeAll(async () => {
    await execa('ip', ['netns', 'add', ns]);
    created = true;
  });

  afterAll(async () => {
    if (created) await execa('ip', ['netns', 'del', ns], { reject: false });
  });

  it('loads with iptables-restore --noflush, and the jumps hook it in', async () => {
    const restore = await inNs(['iptables-restore', '--noflush'], kubeProxyRestore(smallCluster()));
    expect(restore.exitCode, restore.stderr).toBe(0);
    await ensureJumps();
    await ensureJumps(); // idempotent: -C finds every rule the second time

    expect(await chains('nat')).toEqual(
      expect.arrayContaining([
        'KUBE-SERVICES',
        'KUBE-NODEPORTS',
        'KUBE-POSTROUTING',
        'KUBE-MARK-MASQ',
        'KUBE-SVC-67NZLRHBNDSAWJRO',
        'KUBE-SEP-34ZZ2QFGO32YYXXO',
        'KUBE-EXT-67NZLRHBNDSAWJRO',
        'KUBE-SVC-TCOU7JCQXEZGVUNU',
      ]),
    );
    expect(await chains('filter')).toEqual(
      expect.arrayContaining(['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL', 'KUBE-FIREWALL']),
    );
    const nat = (await inNs(['iptables-save', '-t', 'nat'])).stdout;
    expect(nat).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    // iptables-save prints addresses with their prefix length; some versions quote every comment.
    expect(nat).toMatch(/^-A KUBE-SEP-34ZZ2QFGO32YYXXO -s 10\.244\.1\.5\/32 -m comment --comment "?shop\/web:http"? -j KUBE-MARK-MASQ$/m);
    const filter = (await inNs(['iptables-save', '-t', 'filter'])).stdout;
    expect(filter).toContain('-A KUBE-SERVICES -d 10.96.200.20/32 -p tcp -m comment --comment "shop/db has no endpoints" -m tcp --dport 5432 -j REJECT');
  });

  it('deletes stale chains on the next sync', async () => {
    const input = smallCluster();
    input.endpointSlices = input.endpointSlices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] !== 'web');
    input.existingChains = { nat: await chains('nat'), filter: await chains('filter') };
    const restore = await inNs(['iptables-restore', '--noflush'], kubeProxyRestore(input));
    expect(restore.exitCode, restore.stderr).toBe(0);
    const nat = await chains('nat');
    expect(nat).not.toContain('KUBE-SVC-67NZLRHBNDSAWJRO');
    expect(nat).not.toContain('KUBE-SEP-34ZZ2QFGO32YYXXO');
    expect(nat).toContain('KUBE-SVC-TCOU7JCQXEZGVUNU');
  });

  it('accepts every rule shape: LoadBalancer, source ranges, affinity, Local policies, three endpoints', async () => {
    const input = smallCluster();
    const web = input.services.find((svc) => svc.metadata?.name === 'web')!;
    Object.assign(web.spec!, {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32000,
      externalIPs: ['192.168.99.22'],
      loadBalancerSourceRanges: ['172.18.0.0/16'],
      sessionAffinity: 'ClientIP',
    });
    web.status = { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } };
    input.services.find((svc) => svc.metadata?.name === 'kube-dns')!.spec!.internalTrafficPolicy = 'Local';
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
    input.existingChains = { nat: await chains('nat'), filter: await chains('filter') };
    const restore = await inNs(['iptables-restore', '--noflush'], kubeProxyRestore(input));
    expect(restore.exitCode, restore.stderr).toBe(0);
    const nat = await chains('nat');
    expect(nat).toEqual(expect.arrayContaining(['KUBE-FW-67NZLRHBNDSAWJRO', 'KUBE-SVL-67NZLRHBNDSAWJRO', 'KUBE-EXT-67NZLRHBNDSAWJRO']));
    expect(nat).not.toContain('KUBE-SVC-TCOU7JCQXEZGVUNU');
  });
});
