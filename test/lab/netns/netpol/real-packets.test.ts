// Real packets through real iptables: a throw-away "node" network namespace with
// three "pod" namespaces on routed veths (kindnet/ptp style), the compiled rules
// loaded with iptables-restore --noflush, and TCP connects that either succeed or
// time out. Root only; everything happens inside our own nbtest-np-<pid>-* namespaces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import type { V1NetworkPolicy } from '../../../../src/k8s/objects.js';
import { netpolRestore } from '../../../../src/k8s/netpol/compile.js';
import { planNetpolJump } from '../../../../src/k8s/netpol/jump.js';
import { netpolOwners } from '../../../../src/k8s/netpol/owners.js';
import type { PolicyInput, PolicyPod } from '../../../../src/k8s/netpol/types.js';
import { hostNetworkState } from '../../../helpers/host-state.js';
import { gate, hostNetnsGate } from '../../../helpers/lab-gate.js';
import { namespace, policy } from '../../../k8s/netpol/helpers/world.js';

const PREFIX = `nbtest-np-${process.pid}`;
const NODE = `${PREFIX}-node`;
const GATEWAY = '10.244.1.1';

const pods: PolicyPod[] = [
  {
    namespace: 'shop',
    name: 'web',
    labels: { app: 'web' },
    ip: '10.244.1.2',
    nodeName: 'node1',
    hostVeth: 'vnp-web',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  },
  {
    namespace: 'shop',
    name: 'db',
    labels: { app: 'db' },
    ip: '10.244.1.3',
    nodeName: 'node1',
    hostVeth: 'vnp-db',
    ports: [
      { name: 'pg', containerPort: 8080, protocol: 'TCP' },
      { name: 'admin', containerPort: 8081, protocol: 'TCP' },
    ],
  },
  { namespace: 'shop', name: 'other', labels: { app: 'other' }, ip: '10.244.1.4', nodeName: 'node1', hostVeth: 'vnp-other', ports: [] },
];
const netnsOf = (p: PolicyPod) => `${PREFIX}-${p.name}`;
const byName = (name: string) => pods.find((p) => p.name === name)!;

async function whyCannotRun(): Promise<string | undefined> {
  const lab = hostNetnsGate();
  if (lab.skip) return lab.reason;
  const probe = `${PREFIX}-probe`;
  const r = await execa('ip', ['netns', 'add', probe], { reject: false });
  if (r.exitCode !== 0) return `cannot create a network namespace (${r.stderr.trim()}): run the tests where root may (not in an unprivileged container)`;
  await execa('ip', ['netns', 'del', probe], { reject: false });
  return undefined;
}

const labTests = gate(await whyCannotRun());

const ip = (...args: string[]) => execa('ip', args);
const inNode = (...args: string[]) => execa('ip', ['netns', 'exec', NODE, ...args]);

const SERVER = `
const net = require('net');
const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) {
  net.createServer((s) => s.end()).listen(port, '0.0.0.0', () => { if (++ready === ports.length) console.log('ready'); });
}`;

const CLIENT = `
const net = require('net');
const [host, port, ms] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
setTimeout(() => { console.log('timeout'); process.exit(0); }, Number(ms));
s.on('connect', () => { console.log('connected'); process.exit(0); });
s.on('error', (e) => { console.log('error:' + e.code); process.exit(0); });`;

/** `connected`, `timeout` (dropped) or `error:<code>`. */
async function connect(from: string, to: string, port: number): Promise<string> {
  const r = await execa('ip', ['netns', 'exec', netnsOf(byName(from)), process.execPath, '-e', CLIENT, byName(to).ip, String(port), '1500']);
  return r.stdout.trim();
}

async function chainsNow(): Promise<string[]> {
  const { stdout } = await inNode('iptables-save', '-t', 'filter');
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(':'))
    .map((l) => l.slice(1).split(' ')[0]!);
}

async function apply(policies: V1NetworkPolicy[]): Promise<PolicyInput> {
  const input: PolicyInput = {
    nodeName: 'node1',
    pods,
    namespaces: [namespace('shop')],
    policies,
    existingChains: await chainsNow(),
  };
  await execa('ip', ['netns', 'exec', NODE, 'iptables-restore', '--noflush', '-w'], { input: netpolRestore(input) });
  return input;
}

async function expectFlows(want: [from: string, to: string, port: number, result: 'connected' | 'timeout'][]) {
  const got = await Promise.all(want.map(([from, to, port]) => connect(from, to, port)));
  expect(want.map(([from, to, port], i) => `${from} -> ${to}:${port} ${got[i]}`)).toEqual(
    want.map(([from, to, port, result]) => `${from} -> ${to}:${port} ${result}`),
  );
}

if (labTests.skip) {
  describe.skip(labTests.title('NetworkPolicy with real packets'), () => {
    it('connects allowed flows and drops the rest', () => {});
  });
} else {
  describe('NetworkPolicy with real packets', () => {
    const servers: ResultPromise[] = [];
    let hostBefore: Record<string, string> = {};
    const hostView = async () => {
      const { iptables, nft, routes, links, addresses, sysctls } = await hostNetworkState('none');
      return { iptables, nft, routes, links, addresses, sysctls };
    };

    beforeAll(async () => {
      hostBefore = await hostView();
      await ip('netns', 'add', NODE);
      await ip('-n', NODE, 'link', 'set', 'lo', 'up');
      await inNode('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0');
      for (const pod of pods) {
        const ns = netnsOf(pod);
        await ip('netns', 'add', ns);
        // Created inside the node namespace with its peer moved straight into the pod's.
        await ip('-n', NODE, 'link', 'add', pod.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        await ip('-n', NODE, 'addr', 'add', `${GATEWAY}/32`, 'dev', pod.hostVeth);
        await ip('-n', NODE, 'link', 'set', pod.hostVeth, 'up');
        await ip('-n', NODE, 'route', 'add', `${pod.ip}/32`, 'dev', pod.hostVeth);
        await ip('-n', ns, 'link', 'set', 'lo', 'up');
        await ip('-n', ns, 'addr', 'add', `${pod.ip}/32`, 'dev', 'eth0');
        await ip('-n', ns, 'link', 'set', 'eth0', 'up');
        await ip('-n', ns, 'route', 'add', GATEWAY, 'dev', 'eth0', 'scope', 'link');
        await ip('-n', ns, 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0');
        const server = execa('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, '8080', '8081'], { buffer: false });
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
          server.catch(reject);
        });
      }
      // A kube-proxy-like KUBE-FORWARD that accepts marked and established traffic,
      // already hooked into FORWARD, so the jump has to go in front of it.
      await execa('ip', ['netns', 'exec', NODE, 'iptables-restore', '--noflush', '-w'], {
        input: [
          '*filter',
          ':KUBE-FORWARD - [0:0]',
          '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
          '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
          '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
          'COMMIT',
          '',
        ].join('\n'),
      });
      await apply([]);
      const { stdout } = await inNode('iptables', '-w', '-t', 'filter', '-S', 'FORWARD');
      for (const argv of planNetpolJump(stdout.split('\n'))) await inNode('iptables', ...argv);
    }, 60_000);

    afterAll(async () => {
      for (const server of servers) {
        server.kill();
        await server.catch(() => undefined);
      }
      for (const ns of [NODE, ...pods.map(netnsOf)]) await execa('ip', ['netns', 'del', ns], { reject: false });
    }, 30_000);

    it('puts the jump in front of KUBE-FORWARD', async () => {
      const { stdout } = await inNode('iptables', '-w', '-t', 'filter', '-S', 'FORWARD');
      const rules = stdout.split('\n').filter((l) => l.startsWith('-A FORWARD'));
      expect(rules[0]).toContain('-j NETPOL-FORWARD');
      expect(rules[1]).toContain('-j KUBE-FORWARD');
      expect(planNetpolJump(stdout.split('\n'))).toEqual([]);
    });

    it('connects everything when no policy exists', async () => {
      await apply([]);
      await expectFlows([
        ['web', 'db', 8080, 'connected'],
        ['other', 'db', 8081, 'connected'],
        ['db', 'web', 8080, 'connected'],
      ]);
    }, 30_000);

    it('drops ingress that no rule allows, with named ports resolved on the destination', async () => {
      await apply([
        policy('shop', 'db-deny', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
        policy('shop', 'db-allow-pg', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] }],
        }),
      ]);
      await expectFlows([
        ['web', 'db', 8080, 'connected'],
        ['web', 'db', 8081, 'timeout'],
        ['other', 'db', 8080, 'timeout'],
        ['db', 'web', 8080, 'connected'],
        ['other', 'web', 8081, 'connected'],
      ]);
    }, 30_000);

    it('checks the source egress and the destination ingress in one FORWARD traversal, and lets replies back', async () => {
      const before = await chainsNow();
      const input = await apply([
        // web may only talk to db and other on 8080 ...
        policy('shop', 'web-egress', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'other'] }] } }], ports: [{ port: 8080 }] }],
        }),
        // ... and accepts nothing, so replies to it only pass through conntrack.
        policy('shop', 'web-deny-ingress', { podSelector: { matchLabels: { app: 'web' } } }),
        // db accepts web on 8080 and 8081; other accepts nobody.
        policy('shop', 'db-from-web', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, endPort: 8081 }] }],
        }),
        policy('shop', 'other-deny', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Ingress'] }),
      ]);
      await expectFlows([
        ['web', 'db', 8080, 'connected'], // egress allows, ingress allows, reply passes web's ingress deny
        ['web', 'db', 8081, 'timeout'], // ingress allows, egress does not
        ['web', 'other', 8080, 'timeout'], // egress allows, ingress does not
        ['other', 'db', 8080, 'timeout'], // db ingress allows only web
        ['db', 'web', 8080, 'timeout'], // web accepts nothing
      ]);

      // Chains of policies that are gone were deleted; the current ones exist.
      const now = await chainsNow();
      const owners = netpolOwners(input);
      expect(now.filter((c) => c.startsWith('NETPOL-')).sort()).toEqual(['NETPOL-FORWARD', ...owners.keys()].sort());
      const gone = before.filter((c) => c.startsWith('NETPOL-') && !owners.has(c) && c !== 'NETPOL-FORWARD');
      expect(gone.length).toBeGreaterThan(0);
      for (const chain of gone) expect(now).not.toContain(chain);

      // The tracer's view: counters on the rule chain rows name the rule that allowed web -> db.
      const { stdout } = await inNode('iptables-save', '-c', '-t', 'filter');
      const hit = (chainOwner: (o: { policy?: string; rule?: number }) => boolean) =>
        stdout
          .split('\n')
          .filter((l) => {
            const chain = l.match(/-A (\S+) /)?.[1];
            const o = chain ? owners.get(chain) : undefined;
            return o !== undefined && chainOwner(o) && l.includes('--set-xmark 0x10000/0x10000');
          })
          .map((l) => Number(l.match(/^\[(\d+):/)?.[1] ?? 0))
          .reduce((a, b) => a + b, 0);
      expect(hit((o) => o.policy === 'shop/db-from-web' && o.rule === 0)).toBeGreaterThan(0);
      expect(hit((o) => o.policy === 'shop/web-egress' && o.rule === 0)).toBeGreaterThan(0);
    }, 30_000);

    it('accepts every kind of rule the compiler emits and cleans up after itself', async () => {
      await apply([
        policy('shop', 'everything', {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            {
              from: [{ ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24', '192.168.2.0/24'] } }, { namespaceSelector: {} }],
              ports: [{ protocol: 'SCTP', port: 80 }, { protocol: 'UDP' }, { port: 'admin' }],
            },
            {},
          ],
          egress: [
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.1.4/32'] } }], ports: [{ port: 'pg' }, { port: 1, endPort: 65535, protocol: 'UDP' }] },
          ],
        }),
      ]);
      await expectFlows([
        ['web', 'db', 8080, 'connected'], // egress by named port pg on db, ingress by the empty rule
        ['web', 'db', 8081, 'timeout'], // egress: 8081 is not pg
        ['web', 'other', 8080, 'timeout'], // egress: other's address is excepted and has no pg port
      ]);
      await apply([]);
      expect((await chainsNow()).filter((c) => c.startsWith('NETPOL-'))).toEqual(['NETPOL-FORWARD']);
      await expectFlows([['web', 'other', 8080, 'connected']]);
    }, 30_000);

    it('never touches the host network namespace', async () => {
      // Last, since tests run in order: everything above happened inside our namespaces.
      expect(await hostView()).toEqual(hostBefore);
    });
  });
}
