// The health plugin's /health and the ready plugin's /ready, each served over
// HTTP on the addresses the running Corefile names. /ready answers 503 with the
// names of the plugins not ready yet (the kubernetes plugin before its first sync).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pluginOf } from '../../../k8s/dns/corefile.js';
import type { RunningConfig } from './running-config.js';
import type { SnapshotReader } from './snapshot-reader.js';

interface HttpEndpoint {
  addr: string;
  server: http.Server;
}

export class HealthEndpoints {
  private readonly health = new Map<string, HttpEndpoint>();
  private readonly ready = new Map<string, HttpEndpoint>();

  /** `config` is the running configuration, asked at each /ready request. */
  constructor(
    private readonly reader: SnapshotReader,
    private readonly config: () => RunningConfig,
  ) {}

  /** Where `health` serves /health, if configured. */
  healthAddress(): AddressInfo | undefined {
    return [...this.health.values()][0]?.server.address() as AddressInfo | undefined;
  }

  /** Where `ready` serves /ready, if configured. */
  readyAddress(): AddressInfo | undefined {
    return [...this.ready.values()][0]?.server.address() as AddressInfo | undefined;
  }

  /** Serves exactly the addresses `next` configures: closes the others, opens the new ones. */
  async reconcile(next: RunningConfig): Promise<void> {
    await reconcileHttp(this.health, httpAddrs(next, 'health'), healthHandler);
    await reconcileHttp(this.ready, httpAddrs(next, 'ready'), this.readyHandler);
  }

  /** Closes every endpoint without waiting for open connections (a start-up that failed). */
  abandon(): void {
    for (const ep of [...this.health.values(), ...this.ready.values()]) ep.server.close();
  }

  async close(): Promise<void> {
    for (const ep of [...this.health.values(), ...this.ready.values()]) await closeEndpoint(ep);
    this.health.clear();
    this.ready.clear();
  }

  private readonly readyHandler: http.RequestListener = (req, res) => {
    if (!(req.url === '/ready' || req.url?.startsWith('/ready?'))) {
      res.writeHead(404).end();
      return;
    }
    void this.reader.read().then(() => {
      const blocks = this.config().blocks;
      const waiting = [...new Set(blocks.flatMap((b) => b.instances.filter((i) => i.ready && !i.ready()).map((i) => i.name)))];
      if (waiting.length) res.writeHead(503, { 'content-type': 'text/plain' }).end(waiting.sort().join(', '));
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  };
}

const healthHandler: http.RequestListener = (req, res) => {
  if (req.url === '/health' || req.url?.startsWith('/health?')) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  else res.writeHead(404).end();
};

function httpAddrs(config: RunningConfig, name: 'health' | 'ready'): string[] {
  return [...new Set(config.corefile.servers.map((b) => pluginOf(b, name)?.addr).filter((a): a is string => a !== undefined))];
}

async function reconcileHttp(current: Map<string, HttpEndpoint>, wanted: string[], handler: http.RequestListener): Promise<void> {
  for (const [addr, ep] of current) {
    if (!wanted.includes(addr)) {
      current.delete(addr);
      await closeEndpoint(ep);
    }
  }
  for (const addr of wanted) if (!current.has(addr)) current.set(addr, await startHttp(addr, handler));
}

function closeEndpoint(ep: HttpEndpoint): Promise<void> {
  ep.server.closeAllConnections();
  return new Promise<void>((r) => ep.server.close(() => r()));
}

function startHttp(addr: string, handler: http.RequestListener): Promise<HttpEndpoint> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    const { host, port } = splitListenAddr(addr);
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`listen tcp ${addr}: bind: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`, { cause: e })),
    );
    server.listen(port, host, () => resolve({ addr, server }));
  });
}

function splitListenAddr(addr: string): { host: string | undefined; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host === 'localhost' ? '127.0.0.1' : host, port: Number(addr.slice(i + 1)) };
}
