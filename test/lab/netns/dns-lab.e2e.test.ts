// Cluster DNS on one embedded netns lab, with real packets: dig and
// `netbreak probe dns://` from a pod, through kube-proxy's rules for the kube-dns
// Service, to the CoreDNS pods and, for names outside the cluster, through their
// `forward . /etc/resolv.conf` to the lab's upstream resolver in the fabric
// namespace. Then the Corefile faults learners meet (a typo in the cluster zone,
// a Corefile CoreDNS rejects, CoreDNS scaled to 0) and their repair.
// Root only; one lab for the whole file, removed at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsQueryLog, ProbeResult } from '../../../src/lab/lab.js';
import type { KubeObject, ObjectRef } from '../../../src/k8s/objects.js';
import { KUBEADM_DEFAULT_COREFILE } from '../../../src/k8s/dns/kubeadm-corefile.js';
import { NetnsLab } from '../../../src/lab/netns/netns-lab.js';
import { netbreak } from '../../helpers/cli.js';
import { hostNetworkState, inLab } from '../../helpers/host-state.js';
import { labGate } from '../../helpers/lab-gate.js';

const labTests = labGate(['dig']);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-dns-e2e-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = `dns-e2e-${process.pid % 100000}`;
const COREDNS: ObjectRef = { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' };
const COREFILE: ObjectRef = { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' };

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: agnhost
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=8080]
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless, namespace: shop}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: shop, labels: {app: db}}
spec:
  hostname: db-0
  subdomain: db
  containers: [{name: db, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{containerPort: 5432}]}]
---
# Its subdomain names no Service, so its hostname makes no record.
apiVersion: v1
kind: Pod
metadata: {name: db-1, namespace: shop, labels: {app: db}}
spec:
  hostname: db-1
  subdomain: elsewhere
  containers: [{name: db, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec], ports: [{containerPort: 5432}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec:
  type: ExternalName
  externalName: www.example.com
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop}
spec:
  containers: [{name: client, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
`;

/**
 * Never ready (its readiness probe asks a port nothing serves), so it goes in
 * through the lab API: \`netbreak apply\` waits for workloads to be ready.
 */
const NEVER_READY = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: sleepy, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: sleepy}}
  template:
    metadata: {labels: {app: sleepy}}
    spec:
      containers:
        - name: agnhost
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=8080]
          readinessProbe: {httpGet: {path: /, port: 9999}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: sleepy, namespace: shop}
spec:
  clusterIP: None
  selector: {app: sleepy}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

/** The kubeadm Corefile with its reload interval at CoreDNS's minimum, so a ConfigMap change lands in 2–3 s. */
const FAST_RELOAD = KUBEADM_DEFAULT_COREFILE.replace(/^ {4}reload$/m, '    reload 2s');
const TYPO = FAST_RELOAD.replace('kubernetes cluster.local', 'kubernetes cluster.lcoal');
const INVALID = KUBEADM_DEFAULT_COREFILE.replace(/^ {4}forward \./m, '    forwrd .');
/** Outside names forwarded to the pod's own loopback, where CoreDNS itself listens: a loop. */
const FORWARDS_TO_ITSELF = KUBEADM_DEFAULT_COREFILE.replace(/^ {4}forward \. \/etc\/resolv\.conf/m, '    forward . 127.0.0.53');

/** Alive and not a zombie waiting for init to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe.skipIf(labTests.skip)(labTests.title('cluster DNS on the netns lab'), () => {
  let lab: NetnsLab;
  let hostBefore: Record<string, string>;
  let supervisorPid: number;

  const dig = async (...args: string[]): Promise<string> => (await lab.podExec('shop', 'client', ['dig', '+tries=1', '+time=1', ...args])).stdout;
  const short = async (...args: string[]): Promise<string[]> => (await dig('+short', ...args)).split('\n').filter(Boolean).sort();
  const status = async (...args: string[]): Promise<string> => /status: (\w+)/.exec(await dig(...args))?.[1] ?? 'no answer';
  /** A failed exchange: no answer, or ICMP port unreachable (the resolver records it, the shared type does not name it). */
  const noAnswer = (q: DnsQueryLog) => q.timedOut || (q as DnsQueryLog & { error?: string }).error === 'connection refused';
  const probe = async (to: string): Promise<ProbeResult> => {
    const r = await netbreak(['probe', '--lab', LAB, '--from', 'shop/client', '--to', to, '--json'], env);
    return r.json() as ProbeResult;
  };
  const pods = (namespace: string, label: string) =>
    lab.list('Pod', namespace).then((all) => all.filter((p) => Object.values(p.metadata.labels ?? {}).includes(label)));
  const ipOf = (p: KubeObject) => (p.status as { podIP: string }).podIP;
  const setCorefile = (text: string) => lab.patch(COREFILE, { data: { Corefile: text } });
  const corednsReady = () => lab.waitReady([COREDNS], 15_000);

  /** Polls until `check` stops throwing (the last failure is reported). */
  async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Every CoreDNS pod, asked directly, gives `rcode` for the name (both replicas must have reloaded). */
  async function everyCoreDns(name: string, rcode: string): Promise<void> {
    const ips = (await pods('kube-system', 'kube-dns')).map(ipOf);
    expect(ips).toHaveLength(2);
    for (const ip of ips) expect(`${ip} ${await status(`@${ip}`, name)}`).toBe(`${ip} ${rcode}`);
  }

  beforeAll(async () => {
    process.env.NETBREAK_STATE_DIR = stateDir;
    hostBefore = await hostNetworkState(LAB);
    const up = await netbreak(['lab', 'up', '--name', LAB], env);
    expect(up.stderr + up.stdout).toMatch(/is up/);
    lab = new NetnsLab(LAB);
    const manifest = path.join(stateDir, 'app.yaml');
    fs.writeFileSync(manifest, APP);
    const applied = await netbreak(['apply', '--lab', LAB, '-f', manifest], env);
    expect(applied.code, applied.stderr).toBe(0);
    await lab.waitReady(
      [
        { kind: 'Deployment', namespace: 'shop', name: 'web' },
        { kind: 'Pod', namespace: 'shop', name: 'client' },
        { kind: 'Pod', namespace: 'shop', name: 'db-0' },
        { kind: 'Pod', namespace: 'shop', name: 'db-1' },
      ],
      15_000,
    );
    await lab.apply(YAML.parseAllDocuments(NEVER_READY).map((d) => d.toJSON() as KubeObject));
    supervisorPid = Number(fs.readFileSync(path.join(stateDir, 'labs', LAB, 'supervisor.pid'), 'utf8'));
  });

  afterAll(async () => {
    try {
      if (!lab) return;
      const down = await netbreak(['lab', 'down', '--name', LAB], env);
      expect(down.code, down.stderr).toBe(0);
      // The upstream resolver lived in the supervisor, in the fabric namespace: cleanup ended it with the lab.
      if (supervisorPid) expect(running(supervisorPid)).toBe(false);
      const left = (await execa('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`nb-${LAB}-`));
      expect(left).toEqual([]);
      expect(await hostNetworkState(LAB)).toEqual(hostBefore);
    } finally {
      delete process.env.NETBREAK_STATE_DIR;
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('runs the upstream resolver in the fabric namespace, and nowhere else', async () => {
    // The lab's supervisor serves it, from the lab's own network namespace (the fabric), on the fabric's address;
    // no other process runs there but the lab's holder, which made the namespace.
    const holderPid = Number(fs.readFileSync(path.join(stateDir, 'labs', LAB, 'holder.pid'), 'utf8'));
    const fabric = fs.readlinkSync(`/proc/${supervisorPid}/ns/net`);
    expect(fabric).not.toBe(fs.readlinkSync('/proc/self/ns/net'));
    const inFabric = fs
      .readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .filter((pid) => {
        try {
          return fs.readlinkSync(`/proc/${pid}/ns/net`) === fabric;
        } catch {
          return false;
        }
      });
    expect(inFabric.map(Number).sort()).toEqual([holderPid, supervisorPid].sort());
    const listening = (await inLab(LAB, stateDir, { lab: true }, ['ss', '-Hlnup']))!.stdout;
    // The lab keeps the machine's /proc, so ss names the supervisor by its pid outside the lab.
    expect(listening).toMatch(new RegExp(`172\\.18\\.0\\.1:53 .*pid=${supervisorPid},`));
  });

  it('A for a ClusterIP Service: short name through the search path, and FQDN', async () => {
    const svc = await lab.get({ kind: 'Service', namespace: 'shop', name: 'web' });
    const clusterIP = (svc!.spec as { clusterIP: string }).clusterIP;
    expect(await short('+search', 'web')).toEqual([clusterIP]);
    expect(await short('web.shop.svc.cluster.local')).toEqual([clusterIP]);
    const r = await probe('dns://web');
    expect(r.outcome).toBe('success');
    expect(r.address).toBe(clusterIP);
    expect(r.dns?.map((q) => `${q.name} ${q.rcode}`)).toEqual(['web.shop.svc.cluster.local. NOERROR']);
    expect(await short('-x', clusterIP)).toEqual(['web.shop.svc.cluster.local.']);
  });

  it('headless Service: one A per ready pod, NXDOMAIN when none is ready; SRV for a named port', async () => {
    const web = (await pods('shop', 'web')).map(ipOf).sort();
    expect(await short('web-headless.shop.svc.cluster.local')).toEqual(web);
    await eventually(async () => {
      const slice = (await lab.list('EndpointSlice', 'shop')).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'sleepy');
      expect((slice?.endpoints as { conditions: { ready: boolean } }[] | undefined)?.map((e) => e.conditions.ready)).toEqual([false]);
    });
    expect(await status('sleepy.shop.svc.cluster.local')).toBe('NXDOMAIN');
    expect(await short('SRV', '_http._tcp.web.shop.svc.cluster.local')).toEqual(['0 100 80 web.shop.svc.cluster.local.']);
    const srv = await short('SRV', '_http._tcp.web-headless.shop.svc.cluster.local');
    expect(srv.map((l) => l.replace(/\d+-\d+-\d+-\d+/, 'IP'))).toEqual([
      '0 50 8080 IP.web-headless.shop.svc.cluster.local.',
      '0 50 8080 IP.web-headless.shop.svc.cluster.local.',
    ]);
  });

  it('pod A records: a-b-c-d.<ns>.pod and <hostname>.<subdomain> for the pod whose subdomain is the Service', async () => {
    const [db0, db1] = await Promise.all(['db-0', 'db-1'].map((n) => lab.get({ kind: 'Pod', namespace: 'shop', name: n })));
    expect(await short(`${ipOf(db0!).replaceAll('.', '-')}.shop.pod.cluster.local`)).toEqual([ipOf(db0!)]);
    expect(await short('db-0.db.shop.svc.cluster.local')).toEqual([ipOf(db0!)]);
    expect(await status('db-1.db.shop.svc.cluster.local')).toBe('NXDOMAIN');
    const endpoints = await lab.get({ kind: 'Endpoints', namespace: 'shop', name: 'db' });
    const addresses = (endpoints!.subsets as { addresses: { ip: string; hostname?: string }[] }[])[0]!.addresses;
    expect(addresses.map((a) => `${a.ip} ${a.hostname ?? '-'}`).sort()).toEqual([`${ipOf(db0!)} db-0`, `${ipOf(db1!)} -`].sort());
  });

  it('ExternalName: a CNAME, chased through the lab upstream', async () => {
    const answer = (await dig('ext.shop.svc.cluster.local')).match(/^\S+\s+\d+\s+IN\s+(CNAME|A)\s+\S+$/gm);
    expect(
      answer?.map((l) =>
        l
          .split(/\s+/)
          .filter((_, i) => i !== 1 && i !== 2)
          .join(' '),
      ),
    ).toEqual(['ext.shop.svc.cluster.local. CNAME www.example.com.', 'www.example.com. CNAME example.com.', 'example.com. A 172.18.0.1']);
  });

  it('NXDOMAIN for an unknown Service after every search candidate', async () => {
    const r = await probe('dns://nosuch');
    expect(r.outcome).toBe('nxdomain');
    expect(r.dns?.map((q) => `${q.name} ${q.rcode}`)).toEqual([
      'nosuch.shop.svc.cluster.local. NXDOMAIN',
      'nosuch.svc.cluster.local. NXDOMAIN',
      'nosuch.cluster.local. NXDOMAIN',
      'nosuch. NXDOMAIN',
    ]);
  });

  it('an external name: ndots:5 tries the search list first, then CoreDNS forwards it to the lab upstream', async () => {
    const r = await probe('dns://example.com');
    expect(r.outcome).toBe('success');
    expect(r.address).toBe('172.18.0.1');
    expect(r.dns?.map((q) => `${q.name} ${q.rcode}`)).toEqual([
      'example.com.shop.svc.cluster.local. NXDOMAIN',
      'example.com.svc.cluster.local. NXDOMAIN',
      'example.com.cluster.local. NXDOMAIN',
      'example.com. NOERROR',
    ]);
    // A trailing dot skips the search list.
    expect((await probe('dns://example.com.')).dns?.map((q) => q.name)).toEqual(['example.com.']);
    // The forwarded query reached the upstream from a node address (masqueraded), not from the host.
    const log = fs.readFileSync(path.join(stateDir, 'labs', LAB, 'upstream-dns.log'), 'utf8');
    expect(log).toMatch(/^\[INFO\] 172\.18\.0\.\d+:\d+ - \d+ "A IN example\.com\. udp /m);
    expect(await status('nosuch.example.com')).toBe('NXDOMAIN');
  });

  it('a typo in the cluster zone: NXDOMAIN for every Service, after a reload and after a restart; the fix reloads too', async () => {
    await setCorefile(FAST_RELOAD);
    await lab.restart(COREDNS);
    await corednsReady();
    // The ConfigMap change is projected into the running pods; reload (2s here) picks it up.
    await setCorefile(TYPO);
    await eventually(() => everyCoreDns('web.shop.svc.cluster.local', 'NXDOMAIN'));
    expect((await probe('dns://web')).outcome).toBe('nxdomain');
    // Names outside the cluster still resolve: the typo only moved cluster.local to forward.
    expect((await probe('dns://example.com')).outcome).toBe('success');
    await lab.restart(COREDNS);
    await corednsReady();
    await everyCoreDns('web.shop.svc.cluster.local', 'NXDOMAIN');
    await setCorefile(FAST_RELOAD);
    await eventually(() => everyCoreDns('web.shop.svc.cluster.local', 'NOERROR'));
  });

  it('a Corefile CoreDNS rejects: running pods keep their config; restarted pods crash-loop and lookups fail', async () => {
    await setCorefile(INVALID);
    const logs = async () => (await pods('kube-system', 'kube-dns')).map((p) => path.join(stateDir, 'labs', LAB, 'pods', `kube-system_${p.metadata.name}.log`));
    await eventually(async () => {
      for (const log of await logs())
        expect(fs.readFileSync(log, 'utf8')).toContain("reload failed: /etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'forwrd'");
    });
    expect((await probe('dns://web')).outcome).toBe('success');

    await lab.restart(COREDNS);
    await eventually(async () => {
      const coredns = await pods('kube-system', 'kube-dns');
      expect(coredns).toHaveLength(2);
      for (const p of coredns) {
        const c = (p.status as { containerStatuses: { ready: boolean; restartCount: number; state: { waiting?: { reason: string } } }[] })
          .containerStatuses[0]!;
        expect(c.ready).toBe(false);
        expect(c.restartCount).toBeGreaterThanOrEqual(2);
      }
    });
    for (const log of await logs())
      expect(fs.readFileSync(log, 'utf8')).toContain("/etc/coredns/Corefile:13 - Error during parsing: Unknown directive 'forwrd'");
    const slices = (await lab.list('EndpointSlice', 'kube-system')).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns');
    expect(slices.flatMap((s) => (s.endpoints as { conditions: { ready: boolean } }[]).filter((e) => e.conditions.ready))).toEqual([]);
    const r = await probe('dns://web');
    expect(['dns-error', 'dns-timeout']).toContain(r.outcome);
    expect(r.dns?.every(noAnswer)).toBe(true);
    expect(await dig('web.shop.svc.cluster.local')).toMatch(/connection refused|timed out/);

    // Fixed ConfigMap: the crash-looping pods start with it at their next restart, no rollout needed.
    await setCorefile(KUBEADM_DEFAULT_COREFILE);
    await corednsReady();
    expect((await probe('dns://web')).outcome).toBe('success');
  });

  it('a Corefile that forwards to CoreDNS itself: the loop plugin ends each pod at start, which crash-loops', async () => {
    expect(FORWARDS_TO_ITSELF).not.toBe(KUBEADM_DEFAULT_COREFILE);
    await setCorefile(FORWARDS_TO_ITSELF);
    await lab.restart(COREDNS);
    const logs = async () => (await pods('kube-system', 'kube-dns')).map((p) => path.join(stateDir, 'labs', LAB, 'pods', `kube-system_${p.metadata.name}.log`));
    await eventually(async () => {
      const coredns = await pods('kube-system', 'kube-dns');
      expect(coredns).toHaveLength(2);
      for (const p of coredns) {
        const c = (p.status as { containerStatuses: { ready: boolean; restartCount: number; state: { waiting?: { reason: string } } }[] })
          .containerStatuses[0]!;
        expect(c.ready).toBe(false);
        expect(c.restartCount).toBeGreaterThanOrEqual(1);
      }
    });
    // Upstream's words, with the address the probe came from and the server's listen address.
    for (const log of await logs())
      expect(fs.readFileSync(log, 'utf8')).toMatch(/\[FATAL\] plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> :53\) detected for zone "\."/);
    expect(['dns-error', 'dns-timeout']).toContain((await probe('dns://web')).outcome);

    await setCorefile(KUBEADM_DEFAULT_COREFILE);
    await corednsReady();
    expect((await probe('dns://web')).outcome).toBe('success');
  });

  it('CoreDNS scaled to 0: kube-proxy rejects DNS to the Service, lookups fail; scaled back, they work', async () => {
    await lab.scale(COREDNS, 0);
    const r = await probe('dns://web');
    expect(['dns-error', 'dns-timeout']).toContain(r.outcome);
    expect(r.dns?.length).toBeGreaterThan(0);
    expect(r.dns?.every(noAnswer)).toBe(true);
    await lab.scale(COREDNS, 2);
    await corednsReady();
    expect((await probe('dns://web.shop.svc.cluster.local')).outcome).toBe('success');
  });
});
