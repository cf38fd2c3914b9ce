import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../../src/lab/netns/dns/main.js';
import { startDnsServer, type DnsServer } from '../../../../src/lab/netns/dns/server.js';
import { rcodeOf, ttlOf } from '../../../../src/lab/netns/dns/wire.js';
import { fixtureSnapshot } from './fixture.js';
import { ask, captureLog, deadPort, records, startUpstream, tempDir, waitFor, writeStore } from './helpers.js';

const dir = tempDir();
const storePath = path.join(dir, 'store.json');
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let dead: number;
const servers: DnsServer[] = [];

function corefile(forwardTo: string, extra = ''): string {
  return `.:53 {
    errors
    log
    health 127.0.0.1:0 {
       lameduck 5s
    }
    ready 127.0.0.1:0
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    forward . ${forwardTo}
${extra}    loadbalance
}
`;
}

async function start(text: string, more: Partial<Parameters<typeof startDnsServer>[0]> = {}) {
  const log = captureLog();
  const server = await startDnsServer({ corefile: text, storePath, host: '127.0.0.1', port: 0, log, ...more });
  servers.push(server);
  return { server, log };
}

beforeAll(async () => {
  writeStore(storePath, fixtureSnapshot());
  upstream = await startUpstream({
    'example.com A': [{ type: 'A', name: 'example.com', ttl: 300, class: 'IN', data: '192.0.2.80' }],
  });
  dead = await deadPort();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('startDnsServer', () => {
  let server: DnsServer;
  let log: ReturnType<typeof captureLog>;
  beforeAll(async () => {
    ({ server, log } = await start(corefile(`127.0.0.1:${upstream.port}`, '    cache 30\n')));
  });

  it('answers A over UDP and TCP', async () => {
    for (const proto of ['udp', 'tcp'] as const) {
      const res = await ask(server.port, 'api.shop.svc.cluster.local', 'A', proto);
      expect(rcodeOf(res)).toBe('NOERROR');
      expect(res.flag_aa).toBe(true);
      expect(records(res)).toEqual(['A 10.96.10.10']);
    }
  });

  it('answers SRV with the target address in the additional section', async () => {
    const res = await ask(server.port, '_http._tcp.api.shop.svc.cluster.local', 'SRV');
    expect(records(res)).toEqual(['SRV 0 100 80 api.shop.svc.cluster.local.']);
    expect(records(res, 'additionals')).toEqual(['A 10.96.10.10']);
  });

  it('answers PTR for ClusterIPs and forwards unknown reverse names', async () => {
    expect(records(await ask(server.port, '10.10.96.10.in-addr.arpa', 'PTR', 'tcp'))).toEqual(['PTR api.shop.svc.cluster.local.']);
    const res = await ask(server.port, '1.2.0.192.in-addr.arpa', 'PTR');
    expect(rcodeOf(res)).toBe('NXDOMAIN');
    expect(upstream.queries).toContain('1.2.0.192.in-addr.arpa PTR');
  });

  it('answers NXDOMAIN with the SOA and shuffles headless answers', async () => {
    const res = await ask(server.port, 'nosuch.shop.svc.cluster.local');
    expect(rcodeOf(res)).toBe('NXDOMAIN');
    expect(records(res, 'authorities')[0]).toMatch(/^SOA ns\.dns\.cluster\.local\. hostmaster\.cluster\.local\./);
    const db = await ask(server.port, 'db.shop.svc.cluster.local');
    expect(records(db).sort()).toEqual(['A 10.244.1.8', 'A 10.244.2.9']);
  });

  it('forwards names outside the cluster to the upstream', async () => {
    const res = await ask(server.port, 'example.com');
    expect(rcodeOf(res)).toBe('NOERROR');
    expect(records(res)).toEqual(['A 192.0.2.80']);
  });

  it('chases an ExternalName through the upstream', async () => {
    const res = await ask(server.port, 'ext.shop.svc.cluster.local');
    expect(records(res)).toEqual(['CNAME example.com.', 'A 192.0.2.80']);
  });

  it('logs each query in CoreDNS format', async () => {
    await ask(server.port, 'noeps.shop.svc.cluster.local');
    const line = log.lines.find((l) => l.includes('noeps.shop'));
    expect(line).toMatch(/^\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN noeps\.shop\.svc\.cluster\.local\. udp \d+ false 512" NOERROR qr,aa,rd \d+ \d+(\.\d+)?s$/);
    expect(log.lines).toContain(`.:${server.port}`);
  });

  it('serves /health and /ready', async () => {
    const health = await fetch(`http://127.0.0.1:${server.healthAddress()!.port}/health`);
    expect([health.status, await health.text()]).toEqual([200, 'OK']);
    const ready = await fetch(`http://127.0.0.1:${server.readyAddress()!.port}/ready`);
    expect([ready.status, await ready.text()]).toEqual([200, 'OK']);
  });

  it('caches answers for the cache TTL while a server without cache sees store changes', async () => {
    const { server: uncached } = await start(corefile(`127.0.0.1:${upstream.port}`));
    expect(records(await ask(server.port, 'kubernetes.default.svc.cluster.local'))).toEqual(['A 10.96.0.1']);
    expect(records(await ask(uncached.port, 'kubernetes.default.svc.cluster.local'))).toEqual(['A 10.96.0.1']);
    const changed = fixtureSnapshot();
    changed.resourceVersion++;
    const svc = changed.objects.find((o) => o.kind === 'Service' && o.metadata.name === 'kubernetes')!;
    (svc.spec as { clusterIP: string }).clusterIP = '10.96.0.2';
    writeStore(storePath, changed);
    try {
      expect(records(await ask(uncached.port, 'kubernetes.default.svc.cluster.local'))).toEqual(['A 10.96.0.2']);
      const cached = await ask(server.port, 'kubernetes.default.svc.cluster.local');
      expect(records(cached)).toEqual(['A 10.96.0.1']);
      expect(ttlOf(cached.answers![0])).toBeLessThanOrEqual(30);
    } finally {
      writeStore(storePath, fixtureSnapshot());
    }
  });

  it('keeps serving when a reload brings a broken Corefile, and applies a good one', async () => {
    const bad = corefile(`127.0.0.1:${upstream.port}`).replace('kubernetes cluster.local', 'kubernets cluster.local');
    const result = await server.reload(bad);
    expect(result.ok).toBe(false);
    expect(log.lines.some((l) => l.startsWith('[ERROR] plugin/reload: Corefile changed but reload failed: Corefile:8'))).toBe(true);
    expect(records(await ask(server.port, 'api.shop.svc.cluster.local'))).toEqual(['A 10.96.10.10']);
    const good = corefile(`127.0.0.1:${upstream.port}`).replace('ttl 30', 'ttl 7');
    expect(await server.reload(good)).toEqual({ ok: true, changed: true });
    const res = await ask(server.port, 'api.shop.svc.cluster.local');
    expect(ttlOf(res.answers![0])).toBe(7);
  });
});

describe('startDnsServer edge cases', () => {
  it('answers SERVFAIL when no upstream answers, and says why', async () => {
    const { server, log } = await start(corefile(`127.0.0.1:${dead}`));
    const res = await ask(server.port, 'example.com');
    expect(rcodeOf(res)).toBe('SERVFAIL');
    expect(log.lines.find((l) => l.startsWith('[ERROR] plugin/errors: 2 example.com. A:'))).toMatch(/connection refused|i\/o timeout/);
  });

  it('answers SERVFAIL and is not ready while the store is missing', async () => {
    const { server } = await start(corefile(`127.0.0.1:${upstream.port}`), { storePath: path.join(dir, 'missing.json') });
    expect(rcodeOf(await ask(server.port, 'api.shop.svc.cluster.local'))).toBe('SERVFAIL');
    const ready = await fetch(`http://127.0.0.1:${server.readyAddress()!.port}/ready`);
    expect([ready.status, await ready.text()]).toEqual([503, 'kubernetes']);
  });

  it('reloads a changed Corefile file, as the reload plugin does', async () => {
    const file = path.join(dir, 'Corefile');
    const first = corefile(`127.0.0.1:${upstream.port}`, '    reload 2s\n');
    fs.writeFileSync(file, first);
    const { server, log } = await start(first, { corefilePath: file, reloadCheckMs: 50 });
    fs.writeFileSync(`${file}.tmp`, first.replace('ttl 30', 'ttl 11'));
    fs.renameSync(`${file}.tmp`, file);
    await waitFor(async () => ttlOf((await ask(server.port, 'api.shop.svc.cluster.local')).answers?.[0]) === 11);
    expect(log.lines).toContain('[INFO] Reloading complete');
    fs.writeFileSync(file, first.replace('ttl 30', 'tttl 12'));
    await waitFor(() => log.lines.some((l) => l.includes('reload failed')));
    expect(ttlOf((await ask(server.port, 'api.shop.svc.cluster.local')).answers?.[0])).toBe(11);
  });

  it('runs rewrite, hosts and template before kubernetes', async () => {
    const { server } = await start(`.:53 {
    rewrite name shop-api.corp.example api.shop.svc.cluster.local
    hosts {
        192.0.2.7 legacy.corp.example
        fallthrough
    }
    template IN A blocked.example {
        rcode NXDOMAIN
    }
    template IN A corp.example {
        match ^(?P<host>[a-z0-9-]+)\\.wild\\.corp\\.example\\.$
        answer "{{ .Name }} 60 IN A 192.0.2.99"
        fallthrough
    }
    kubernetes cluster.local
}
`);
    const rewritten = await ask(server.port, 'shop-api.corp.example');
    expect(rewritten.answers?.map((a) => [a.name, a.type])).toEqual([['shop-api.corp.example', 'A']]);
    expect(records(rewritten)).toEqual(['A 10.96.10.10']);
    expect(records(await ask(server.port, 'legacy.corp.example'))).toEqual(['A 192.0.2.7']);
    expect(records(await ask(server.port, 'x.wild.corp.example'))).toEqual(['A 192.0.2.99']);
    expect(rcodeOf(await ask(server.port, 'www.blocked.example'))).toBe('NXDOMAIN');
    expect(rcodeOf(await ask(server.port, 'other.example'))).toBe('SERVFAIL');
  });

  it('detects a forwarding loop and reports it as fatal', async () => {
    const port = await deadPort();
    let fatal = '';
    const log = captureLog();
    const server = await startDnsServer({
      corefile: `.:${port} {\n    loop\n    forward . 127.0.0.1:${port}\n}\n`,
      storePath,
      host: '127.0.0.1',
      log,
      onFatal: (m) => {
        fatal = m;
      },
    });
    servers.push(server);
    await waitFor(() => fatal !== '', 4000);
    expect(fatal).toMatch(
      /^plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+\) detected for zone "\.", see https:\/\/coredns\.io\/plugins\/loop#troubleshooting\. Query: "HINFO \d+\.\d+\."$/,
    );
    expect(log.lines.some((l) => l.startsWith('[FATAL] plugin/loop'))).toBe(true);
  });

  it('refuses to start with a Corefile CoreDNS would reject', async () => {
    await expect(start(corefile('127.0.0.1:53').replace('errors', 'erors'))).rejects.toThrow("Corefile:2 - Error during parsing: Unknown directive 'erors'");
    await expect(start(corefile('/nonexistent/resolv.conf'))).rejects.toThrow('plugin/forward: Corefile:13 - Error during parsing: not an IP address or file');
  });
});

describe('main', () => {
  it('prints the CoreDNS error and exits 1 for an invalid Corefile', async () => {
    const file = path.join(dir, 'Corefile.bad');
    fs.writeFileSync(file, corefile('127.0.0.1:53').replace('pods insecure', 'pods secure'));
    const err: string[] = [];
    const codes: number[] = [];
    const server = await main(['--corefile', file, '--store', storePath, '--port', '0', '--host', '127.0.0.1'], {
      stderr: (l) => err.push(l),
      exit: (c) => codes.push(c),
      onSignal: () => {},
    });
    expect(server).toBeUndefined();
    expect(codes).toEqual([1]);
    expect(err[0]).toMatch(/^plugin\/kubernetes: Corefile:9 - Error during parsing: wrong value for pods: secure/);
  });

  it('serves until SIGTERM, then closes', async () => {
    const file = path.join(dir, 'Corefile.good');
    fs.writeFileSync(file, `.:53 {\n    kubernetes cluster.local\n}\n`);
    const handlers = new Map<string, () => void>();
    const codes: number[] = [];
    const server = await main(['--corefile', file, '--store', storePath, '--port', '0', '--host', '127.0.0.1'], {
      stderr: () => {},
      exit: (c) => codes.push(c),
      onSignal: (s, h) => handlers.set(s, h),
    });
    expect(records(await ask(server!.port, 'api.shop.svc.cluster.local'))).toEqual(['A 10.96.10.10']);
    handlers.get('SIGTERM')!();
    await waitFor(() => codes.length > 0);
    expect(codes).toEqual([0]);
  });
});
