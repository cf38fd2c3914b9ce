import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvConf, resolveName } from '../../../../src/lab/netns/dns/resolver.js';
import { startDnsServer, type DnsServer } from '../../../../src/lab/netns/dns/server.js';
import { decode, encode, replyTo } from '../../../../src/lab/netns/dns/wire.js';
import { fixtureSnapshot } from './fixture.js';
import { captureLog, deadPort, startBlackhole, tempDir, writeStore } from './helpers.js';

describe('parseResolvConf', () => {
  it('reads what kubelet writes for a ClusterFirst pod', () => {
    expect(parseResolvConf('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n')).toEqual({
      nameservers: ['10.96.0.10'],
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
      timeoutMs: 5000,
      attempts: 2,
      rotate: false,
      useVc: false,
    });
  });

  it("applies glibc's defaults, limits and last-wins rules", () => {
    const conf = parseResolvConf(
      [
        '# comment',
        '; another',
        'domain example.org',
        'nameserver 10.0.0.1',
        'nameserver not-an-ip',
        'nameserver 10.0.0.2',
        'nameserver fe80::1%eth0',
        'nameserver 10.0.0.4',
        'options ndots:20 timeout:60 attempts:9 rotate',
        'options timeout:2',
      ].join('\n'),
    );
    expect(conf).toMatchObject({
      nameservers: ['10.0.0.1', '10.0.0.2', 'fe80::1'],
      search: ['example.org'],
      ndots: 15,
      timeoutMs: 2000,
      attempts: 5,
      rotate: true,
    });
    expect(parseResolvConf('search a.example\ndomain b.example\n').search).toEqual(['b.example']);
    expect(parseResolvConf('')).toMatchObject({ nameservers: ['127.0.0.1'], search: [], ndots: 1 });
  });
});

describe('resolveName', () => {
  const dir = tempDir();
  let server: DnsServer;
  const conf = (text: string) => parseResolvConf(`nameserver 127.0.0.1\n${text}`);
  const KUBELET = 'search shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5';

  beforeAll(async () => {
    const storePath = path.join(dir, 'store.json');
    writeStore(storePath, fixtureSnapshot());
    server = await startDnsServer({
      corefile: `cluster.local:53 {
    kubernetes
}
example.com:53 {
    template IN A {
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
}
broken.test:53 {
    template ANY ANY {
        rcode SERVFAIL
    }
}
.:53 {
    template ANY ANY {
        rcode NXDOMAIN
    }
}
`,
      storePath,
      host: '127.0.0.1',
      port: 0,
      log: captureLog(),
    });
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names = (r: { queries: { name: string }[] }) => r.queries.map((q) => q.name);

  it('tries the search list first for a short name (ndots:5)', async () => {
    const r = await resolveName('api', { resolvConf: conf(KUBELET), port: server.port });
    expect(r.outcome).toBe('ok');
    expect(r.addresses).toEqual(['10.96.10.10']);
    expect(names(r)).toEqual(['api.shop.svc.cluster.local.']);
    expect(r.queries[0]).toMatchObject({ server: `127.0.0.1:${server.port}`, rcode: 'NOERROR', answers: ['A 10.96.10.10'], timedOut: false });
  });

  it('walks the whole search list before the name as is', async () => {
    const r = await resolveName('example.com', { resolvConf: conf(KUBELET), port: server.port });
    expect(r.outcome).toBe('ok');
    expect(r.addresses).toEqual(['192.0.2.1']);
    expect(names(r)).toEqual(['example.com.shop.svc.cluster.local.', 'example.com.svc.cluster.local.', 'example.com.cluster.local.', 'example.com.']);
    expect(r.queries.slice(0, 3).map((q) => q.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN']);
  });

  it('tries a name with at least ndots dots as is first', async () => {
    const r = await resolveName('api.shop.svc.cluster.local', { resolvConf: conf('search shop.svc.cluster.local\noptions ndots:2'), port: server.port });
    expect(names(r)).toEqual(['api.shop.svc.cluster.local.']);
    const other = await resolveName('db.shop', { resolvConf: conf('search svc.cluster.local\noptions ndots:1'), port: server.port });
    expect(names(other)).toEqual(['db.shop.', 'db.shop.svc.cluster.local.']);
    expect(other.addresses.sort()).toEqual(['10.244.1.8', '10.244.2.9']);
  });

  it('asks only the absolute name for a trailing dot', async () => {
    const r = await resolveName('api.', { resolvConf: conf(KUBELET), port: server.port });
    expect(r.outcome).toBe('nxdomain');
    expect(names(r)).toEqual(['api.']);
  });

  it('returns IP literals without queries', async () => {
    expect(await resolveName('10.96.0.10', { resolvConf: conf(KUBELET), port: server.port })).toEqual({
      outcome: 'ok',
      addresses: ['10.96.0.10'],
      queries: [],
    });
  });

  it('is nxdomain when every candidate is NXDOMAIN', async () => {
    const r = await resolveName('nosuch.example', { resolvConf: conf(KUBELET), port: server.port });
    expect(r.outcome).toBe('nxdomain');
    expect(r.queries).toHaveLength(4);
  });

  it('is nodata when the name exists without an address', async () => {
    const r = await resolveName('svc.cluster.local.', { resolvConf: conf(KUBELET), port: server.port });
    expect(r.outcome).toBe('nodata');
  });

  it('is servfail when the servers answer SERVFAIL, asking each attempt', async () => {
    const r = await resolveName('x.broken.test.', { resolvConf: conf('options attempts:2'), port: server.port });
    expect(r.outcome).toBe('servfail');
    expect(r.queries.map((q) => q.rcode)).toEqual(['SERVFAIL', 'SERVFAIL']);
  });

  it('is timeout when nothing answers, and stops the search list there', async () => {
    const hole = await startBlackhole();
    try {
      const started = Date.now();
      const r = await resolveName('api', { resolvConf: conf(`${KUBELET}\noptions attempts:1`), port: hole.port, perQueryTimeoutMs: 100 });
      expect(r.outcome).toBe('timeout');
      expect(names(r)).toEqual(['api.shop.svc.cluster.local.', 'api.']);
      expect(r.queries.every((q) => q.timedOut)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await hole.close();
    }
  });

  it('is timeout within the deadline', async () => {
    const hole = await startBlackhole();
    try {
      const started = Date.now();
      const r = await resolveName('api', { resolvConf: conf(KUBELET), port: hole.port, deadlineMs: 300 });
      expect(r.outcome).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(800);
    } finally {
      await hole.close();
    }
  });

  it("takes a late reply to the first try during the second, as glibc's res_send does (same socket, same id)", async () => {
    const socket = dgram.createSocket('udp4');
    const seen: { id: number; from: number }[] = [];
    socket.on('message', (msg, rinfo) => {
      const req = decode(msg);
      seen.push({ id: req.id!, from: rinfo.port });
      if (seen.length > 1) return; // only the first try is answered, and only after its wait is over
      const reply = replyTo(req);
      reply.answers = [{ type: 'A', name: req.questions![0]!.name, ttl: 30, class: 'IN', data: '10.96.10.10' }];
      setTimeout(() => socket.send(encode(reply), rinfo.port, rinfo.address), 150);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    try {
      const r = await resolveName('api.shop.svc.cluster.local.', {
        resolvConf: conf('options attempts:2'),
        port: socket.address().port,
        perQueryTimeoutMs: 100,
      });
      expect(r).toMatchObject({ outcome: 'ok', addresses: ['10.96.10.10'] });
      expect(r.queries.map((q) => q.timedOut)).toEqual([true, false]);
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
    } finally {
      socket.close();
    }
  });

  it('is refused when the DNS port is closed', async () => {
    const r = await resolveName('api', { resolvConf: conf(`${KUBELET}\noptions attempts:1`), port: await deadPort(), perQueryTimeoutMs: 300 });
    expect(r.outcome).toBe('refused');
    expect(r.queries[0]).toMatchObject({ timedOut: false, error: 'connection refused' });
  });
});
