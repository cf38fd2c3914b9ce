// The lab's cluster DNS server: a CoreDNS-compatible server configured by a
// Corefile. It listens on UDP and TCP, runs each query through the server block's
// plugins in CoreDNS's plugin.cfg order, serves health (/health) and readiness
// (/ready) over HTTP, and reloads a changed Corefile the way the reload plugin
// does (a broken new Corefile is logged and the running config kept).
import { createHash, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import {
  CorefileError,
  inExecutionOrder,
  parseCorefile,
  pluginOf,
  type Corefile,
  type LogConfig,
  type PluginConfig,
  type RewriteConfig,
  type ServerBlock,
  type TemplateConfig,
} from '../../../k8s/dns/corefile.js';
import { SnapshotReader } from './snapshot-reader.js';
import { cachePlugin } from './plugins/cache.js';
import { errorsPlugin } from './plugins/errors.js';
import { forwardPlugin, resolveUpstreams } from './plugins/forward.js';
import { hostsPlugin } from './plugins/hosts.js';
import { kubernetesPlugin } from './plugins/kubernetes.js';
import { loadbalancePlugin } from './plugins/loadbalance.js';
import { logPlugin } from './plugins/log.js';
import { loopPlugin } from './plugins/loop.js';
import { rewritePlugin } from './plugins/rewrite.js';
import { templatePlugin } from './plugins/template.js';
import { errorReply, type DnsLog, type Handler, type PluginEnv, type PluginInstance, type Query } from './plugins/types.js';
import { decode, encode, finalizeReply, FLAG, lowerFq, matchZone, opcodeOf, replyTo, type DecodedPacket, type Packet } from './wire.js';

export type { DnsLog } from './plugins/types.js';

export interface DnsServerOptions {
  /** Corefile text. */
  corefile: string;
  /** Where the Corefile lives; the reload plugin watches it. */
  corefilePath?: string;
  /** The Corefile's path as CoreDNS was given it (`-conf /etc/coredns/Corefile`), which its errors cite; default `Corefile`. */
  corefileName?: string;
  /** The lab's store.json. */
  storePath: string;
  /** Address to listen on; default 0.0.0.0. */
  host?: string;
  /** Overrides every server block's port (0 picks a free one); default: the Corefile's, usually 53. */
  port?: number;
  /** Read for `forward . /etc/resolv.conf`; default /etc/resolv.conf. */
  resolvConfPath?: string;
  /** Where log lines go; default stdout for [INFO], stderr for [ERROR]. */
  log?: DnsLog;
  /** Called after a fatal error (the loop plugin); default: the server closes itself. */
  onFatal?: (message: string) => void;
  /** How often the reload plugin checks the Corefile; default the plugin's interval (30 s). */
  reloadCheckMs?: number;
}

export type ReloadResult = { ok: true; changed: boolean } | { ok: false; error: Error };

export interface DnsServer {
  /** The DNS port of the first server block (the one a test queries). */
  readonly port: number;
  readonly host: string;
  /** Every DNS port listened on. */
  ports(): number[];
  /** Where `health` serves /health, if configured. */
  healthAddress(): AddressInfo | undefined;
  /** Where `ready` serves /ready, if configured. */
  readyAddress(): AddressInfo | undefined;
  /** Applies new Corefile text; an invalid one is logged and the running config kept. */
  reload(corefileText: string): Promise<ReloadResult>;
  /** Stops listening. With `lameduck`, keeps serving for the health plugin's lameduck time first. */
  close(options?: { lameduck?: boolean }): Promise<void>;
}

const defaultLog: DnsLog = {
  info: (line) => process.stdout.write(`[INFO] ${line}\n`),
  error: (line) => process.stderr.write(`[ERROR] ${line}\n`),
  raw: (line) => process.stdout.write(`${line}\n`),
};

interface BuiltBlock {
  block: ServerBlock;
  zones: string[];
  /** The port from the Corefile, or the override. */
  requestedPort: number;
  handler: Handler;
  instances: PluginInstance[];
}

interface Runtime {
  corefile: Corefile;
  text: string;
  hash: string;
  blocks: BuiltBlock[];
}

interface Listener {
  requestedPort: number;
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  sockets: Set<net.Socket>;
}

interface HttpEndpoint {
  addr: string;
  server: http.Server;
}

const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');

function splitListenAddr(addr: string): { host: string | undefined; port: number } {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host === 'localhost' ? '127.0.0.1' : host, port: Number(addr.slice(i + 1)) };
}

/** Groups a block's plugin configs into chain instances in plugin.cfg order. */
function buildChain(block: ServerBlock, env: PluginEnv, resolvConfPath: string, file: string): { handler: Handler; instances: PluginInstance[] } {
  const instances: PluginInstance[] = [];
  const ordered = inExecutionOrder(block.plugins);
  const done = new Set<string>();
  const all = <T extends PluginConfig>(name: T['name']) => ordered.filter((p) => p.name === name) as T[];
  for (const p of ordered) {
    if (done.has(p.name)) continue;
    done.add(p.name);
    switch (p.name) {
      case 'errors':
        instances.push(errorsPlugin(p, env));
        break;
      case 'log':
        instances.push(logPlugin(all<LogConfig>('log'), env));
        break;
      case 'loadbalance':
        instances.push(loadbalancePlugin(p));
        break;
      case 'cache':
        instances.push(cachePlugin(p));
        break;
      case 'rewrite':
        instances.push(rewritePlugin(all<RewriteConfig>('rewrite').flatMap((r) => r.rules)));
        break;
      case 'template':
        instances.push(templatePlugin(all<TemplateConfig>('template')));
        break;
      case 'hosts':
        instances.push(hostsPlugin(p, env.log));
        break;
      case 'kubernetes':
        instances.push(kubernetesPlugin(p, env));
        break;
      case 'loop':
        instances.push(loopPlugin(p, block.keys[0]?.zone ?? '.', env));
        break;
      case 'forward':
        instances.push(forwardPlugin(p, resolveUpstreams(p, resolvConfPath, file)));
        break;
      // Served by the server itself, outside the query path.
      case 'health':
      case 'ready':
      case 'prometheus':
      case 'reload':
        break;
    }
  }
  const lastName = instances[instances.length - 1]?.name ?? 'dnsserver';
  let handler: Handler = (q) => Promise.resolve(errorReply(q, 'SERVFAIL', new Error(`plugin/${lastName}: no next plugin found`)));
  for (let i = instances.length - 1; i >= 0; i--) handler = instances[i]!.wrap(handler);
  return { handler, instances };
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const log = opts.log ?? defaultLog;
  const host = opts.host ?? '0.0.0.0';
  const resolvConfPath = opts.resolvConfPath ?? '/etc/resolv.conf';
  const corefileName = opts.corefileName ?? 'Corefile';
  const reader = new SnapshotReader(opts.storePath, (m) => log.error(m));
  const listeners = new Map<number, Listener>();
  const health = new Map<string, HttpEndpoint>();
  const ready = new Map<string, HttpEndpoint>();
  let runtime: Runtime;
  let closed = false;
  let reloadTimer: NodeJS.Timeout | undefined;
  // The reload plugin retries a broken Corefile only once it changes again.
  let lastFailedHash = '';

  const blocksFor = (requestedPort: number) => runtime.blocks.filter((b) => b.requestedPort === requestedPort);
  const pickBlock = (requestedPort: number, name: string): BuiltBlock | undefined => {
    const candidates = blocksFor(requestedPort);
    const zone = matchZone(
      candidates.flatMap((b) => b.zones),
      name,
    );
    return zone === undefined ? undefined : candidates.find((b) => b.zones.includes(zone));
  };

  const dispatch = async (q: Query, requestedPort: number): Promise<Packet> => {
    const name = lowerFq(q.req.questions?.[0]?.name ?? '.');
    const block = pickBlock(requestedPort, name);
    if (!block) return replyTo(q.req, 'REFUSED');
    try {
      const reply = await block.handler(q);
      return reply.msg;
    } catch (error) {
      log.error(`plugin/errors: 2 ${name} ${q.req.questions?.[0]?.type ?? ''}: ${(error as Error).message}`);
      return replyTo(q.req, 'SERVFAIL');
    }
  };

  const makeEnv = (requestedPort: () => number): PluginEnv => ({
    log,
    snapshot: () => reader.read(),
    synced: () => reader.synced,
    resolvConfPath,
    lookup: async (name, type) => {
      const req = { type: 'query', id: randomInt(0, 65536), flags: FLAG.RD, questions: [{ name, type, class: 'IN' }] } as Packet;
      const wire = encode(req);
      const decoded = decode(wire);
      return dispatch({ req: decoded, original: decoded, proto: 'udp', remote: { address: '127.0.0.1', port: 0 }, size: wire.length, internal: true }, requestedPort());
    },
    fatal: (message) => {
      log.raw(`[FATAL] ${message}`);
      if (opts.onFatal) opts.onFatal(message);
      else void handle.close();
    },
  });

  const build = (text: string): Runtime => {
    const corefile = parseCorefile(text, { file: corefileName });
    const blocks: BuiltBlock[] = [];
    try {
      for (const block of corefile.servers) {
        const requestedPort = opts.port ?? block.keys[0]!.port;
        const env = makeEnv(() => requestedPort);
        const { handler, instances } = buildChain(block, env, resolvConfPath, corefileName);
        blocks.push({ block, zones: [...new Set(block.keys.map((k) => k.zone))], requestedPort, handler, instances });
      }
    } catch (error) {
      for (const b of blocks) for (const i of b.instances) i.stop?.();
      throw error;
    }
    // A server block with keys on several ports is served on each of them.
    const extra: BuiltBlock[] = [];
    for (const b of blocks) {
      if (opts.port !== undefined) continue;
      for (const port of new Set(b.block.keys.map((k) => k.port))) {
        if (port !== b.requestedPort) extra.push({ ...b, requestedPort: port, zones: [...new Set(b.block.keys.filter((k) => k.port === port).map((k) => k.zone))] });
      }
    }
    return { corefile, text, hash: sha512(text), blocks: [...blocks, ...extra] };
  };

  const handleWire = async (buf: Buffer, proto: 'udp' | 'tcp', remote: { address: string; port: number }, requestedPort: number): Promise<Buffer | undefined> => {
    let req: DecodedPacket;
    try {
      req = decode(buf);
    } catch {
      if (buf.length < 12) return undefined;
      const id = buf.readUInt16BE(0);
      return encode({ ...replyTo({ id, flags: buf.readUInt16BE(2) & 0x7810, questions: [] }, 'FORMERR') });
    }
    if (req.type !== 'query') return undefined;
    if (opcodeOf(req) !== 0) return finalizeReply(req, replyTo(req, 'NOTIMP'), proto);
    if ((req.questions ?? []).length !== 1) return finalizeReply(req, replyTo(req, 'FORMERR'), proto);
    const reply = await dispatch({ req, original: req, proto, remote, size: buf.length }, requestedPort);
    return finalizeReply(req, reply, proto);
  };

  const bindOnce = (requestedPort: number, port: number): Promise<Listener> =>
    new Promise((resolve, reject) => {
      const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
      const fail = (error: Error) => {
        try {
          udp.close();
        } catch {
          // not bound
        }
        reject(error);
      };
      udp.once('error', fail);
      udp.bind(port, host, () => {
        udp.off('error', fail);
        udp.on('error', (e) => log.error(`udp: ${e.message}`));
        const actual = udp.address().port;
        const sockets = new Set<net.Socket>();
        const listener: Listener = { requestedPort, port: actual, udp, tcp: net.createServer(), sockets };
        udp.on('message', (msg, rinfo) => {
          void handleWire(msg, 'udp', { address: rinfo.address, port: rinfo.port }, listener.requestedPort).then((out) => {
            if (out && !closed) udp.send(out, rinfo.port, rinfo.address);
          });
        });
        listener.tcp.on('connection', (socket) => serveTcp(socket, listener));
        listener.tcp.once('error', (e) => fail(e));
        listener.tcp.listen(actual, host, () => resolve(listener));
      });
    });

  const serveTcp = (socket: net.Socket, listener: Listener) => {
    listener.sockets.add(socket);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('close', () => listener.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const n = buffered.readUInt16BE(0);
        if (buffered.length < n + 2) return;
        const msg = buffered.subarray(2, n + 2);
        buffered = buffered.subarray(n + 2);
        const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
        void handleWire(msg, 'tcp', remote, listener.requestedPort).then((out) => {
          if (!out || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          socket.write(Buffer.concat([len, out]));
        });
      }
    });
  };

  const listen = async (requestedPort: number): Promise<Listener> => {
    // Port 0: UDP picks a free port and TCP takes the same one; retry if TCP's is taken.
    for (let tries = 0; ; tries++) {
      try {
        return await bindOnce(requestedPort, requestedPort);
      } catch (error) {
        if (requestedPort !== 0 || tries >= 10 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
          const e = error as NodeJS.ErrnoException;
          throw new Error(`listen tcp ${host}:${requestedPort}: bind: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`, { cause: error });
        }
      }
    }
  };

  const closeListener = (l: Listener) =>
    new Promise<void>((resolve) => {
      try {
        l.udp.close();
      } catch {
        // already closed
      }
      for (const s of l.sockets) s.destroy();
      l.tcp.close(() => resolve());
    });

  const startHttp = (addr: string, handler: http.RequestListener): Promise<HttpEndpoint> =>
    new Promise((resolve, reject) => {
      const server = http.createServer(handler);
      const { host: h, port } = splitListenAddr(addr);
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(`listen tcp ${addr}: bind: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`, { cause: e })),
      );
      server.listen(port, h, () => resolve({ addr, server }));
    });

  const healthHandler: http.RequestListener = (req, res) => {
    if (req.url === '/health' || req.url?.startsWith('/health?')) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    else res.writeHead(404).end();
  };
  const readyHandler: http.RequestListener = (req, res) => {
    if (!(req.url === '/ready' || req.url?.startsWith('/ready?'))) {
      res.writeHead(404).end();
      return;
    }
    void reader.read().then(() => {
      const waiting = [...new Set(runtime.blocks.flatMap((b) => b.instances.filter((i) => i.ready && !i.ready()).map((i) => i.name)))];
      if (waiting.length) res.writeHead(503, { 'content-type': 'text/plain' }).end(waiting.sort().join(', '));
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  };

  const reconcileHttp = async (current: Map<string, HttpEndpoint>, wanted: string[], handler: http.RequestListener) => {
    for (const [addr, ep] of current) {
      if (!wanted.includes(addr)) {
        current.delete(addr);
        ep.server.closeAllConnections();
        await new Promise<void>((r) => ep.server.close(() => r()));
      }
    }
    for (const addr of wanted) if (!current.has(addr)) current.set(addr, await startHttp(addr, handler));
  };

  const httpAddrs = (r: Runtime, name: 'health' | 'ready') => [
    ...new Set(r.corefile.servers.map((b) => pluginOf(b, name)?.addr).filter((a): a is string => a !== undefined)),
  ];

  const reconcile = async (next: Runtime) => {
    const wantedPorts = [...new Set(next.blocks.map((b) => b.requestedPort))];
    const opened: Listener[] = [];
    try {
      for (const p of wantedPorts) if (!listeners.has(p)) opened.push(await listen(p));
    } catch (error) {
      await Promise.all(opened.map(closeListener));
      throw error;
    }
    for (const l of opened) listeners.set(l.requestedPort, l);
    for (const [p, l] of listeners) {
      if (!wantedPorts.includes(p)) {
        listeners.delete(p);
        await closeListener(l);
      }
    }
    await reconcileHttp(health, httpAddrs(next, 'health'), healthHandler);
    await reconcileHttp(ready, httpAddrs(next, 'ready'), readyHandler);
  };

  const startPlugins = (r: Runtime) => {
    const started = new Set<PluginInstance>();
    for (const b of r.blocks) {
      const l = listeners.get(b.requestedPort);
      if (!l) continue;
      for (const i of b.instances) {
        if (started.has(i)) continue;
        started.add(i);
        i.start?.({ host, port: l.port });
      }
    }
  };
  const stopPlugins = (r: Runtime) => {
    for (const i of new Set(r.blocks.flatMap((b) => b.instances))) i.stop?.();
  };

  const banner = (r: Runtime) => {
    for (const b of r.corefile.servers) for (const k of b.keys) log.raw(`${k.zone}:${listeners.get(opts.port ?? k.port)?.port ?? k.port}`);
    if (r.corefile.servers.some((b) => pluginOf(b, 'reload'))) log.info(`plugin/reload: Running configuration SHA512 = ${r.hash}`);
  };

  const scheduleReloadCheck = () => {
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadTimer = undefined;
    const cfgs = runtime.corefile.servers.map((b) => pluginOf(b, 'reload')).filter((r) => r !== undefined);
    if (!cfgs.length || !opts.corefilePath || closed) return;
    const interval = Math.min(...cfgs.map((c) => c.intervalMs));
    const jitter = Math.min(...cfgs.map((c) => c.jitterMs));
    const delay = opts.reloadCheckMs ?? interval + (jitter > 0 ? randomInt(0, Math.floor(jitter) + 1) : 0);
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      let text: string | undefined;
      try {
        text = fs.readFileSync(opts.corefilePath!, 'utf8');
      } catch (error) {
        log.error(`plugin/reload: cannot read ${opts.corefilePath}: ${(error as Error).message}`);
      }
      const go = text !== undefined && sha512(text) !== runtime.hash && sha512(text) !== lastFailedHash ? handle.reload(text) : Promise.resolve();
      void go.finally(() => {
        if (!closed) scheduleReloadCheck();
      });
    }, delay);
    reloadTimer.unref();
  };

  // Start-up: a Corefile CoreDNS would reject makes the server (the pod) fail.
  try {
    runtime = build(opts.corefile);
  } catch (error) {
    if (error instanceof CorefileError) throw new Error(error.coreDnsLine(), { cause: error });
    throw error;
  }
  try {
    await reconcile(runtime);
  } catch (error) {
    stopPlugins(runtime);
    for (const l of listeners.values()) await closeListener(l);
    for (const ep of [...health.values(), ...ready.values()]) ep.server.close();
    throw error;
  }
  // CoreDNS waits (up to 5 s) for its first sync with the API server before serving.
  await reader.read();
  banner(runtime);
  startPlugins(runtime);
  scheduleReloadCheck();

  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, changed: false });

  const handle: DnsServer = {
    get port() {
      return listeners.get(runtime.blocks[0]!.requestedPort)?.port ?? 0;
    },
    host,
    ports: () => [...listeners.values()].map((l) => l.port),
    healthAddress: () => [...health.values()][0]?.server.address() as AddressInfo | undefined,
    readyAddress: () => [...ready.values()][0]?.server.address() as AddressInfo | undefined,
    reload(text) {
      reloading = reloading.then(async (): Promise<ReloadResult> => {
        if (closed) return { ok: false, error: new Error('the DNS server is closed') };
        if (sha512(text) === runtime.hash) return { ok: true, changed: false };
        let next: Runtime | undefined;
        try {
          next = build(text);
          await reconcile(next);
        } catch (error) {
          if (next) stopPlugins(next);
          lastFailedHash = sha512(text);
          const message = error instanceof CorefileError ? error.coreDnsLine() : (error as Error).message;
          log.error(`plugin/reload: Corefile changed but reload failed: ${message}`);
          // Keep serving the old configuration on its old ports.
          await reconcile(runtime).catch(() => {});
          return { ok: false, error: error as Error };
        }
        log.info('Reloading');
        const old = runtime;
        runtime = next!;
        stopPlugins(old);
        banner(runtime);
        startPlugins(runtime);
        log.info('Reloading complete');
        scheduleReloadCheck();
        return { ok: true, changed: true };
      });
      return reloading;
    },
    async close(closeOpts) {
      if (closed) return;
      const lameduck = Math.max(0, ...runtime.corefile.servers.map((b) => pluginOf(b, 'health')?.lameduckMs ?? 0));
      if (closeOpts?.lameduck && lameduck > 0) {
        log.info(`plugin/health: Going into lameduck mode for ${lameduck / 1000}s`);
        await new Promise((r) => setTimeout(r, lameduck));
      }
      closed = true;
      if (reloadTimer) clearTimeout(reloadTimer);
      stopPlugins(runtime);
      await Promise.all([...listeners.values()].map(closeListener));
      listeners.clear();
      for (const ep of [...health.values(), ...ready.values()]) {
        ep.server.closeAllConnections();
        await new Promise<void>((r) => ep.server.close(() => r()));
      }
      health.clear();
      ready.clear();
    },
  };
  return handle;
}
