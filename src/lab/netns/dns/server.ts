// The lab's cluster DNS server: a CoreDNS-compatible server configured by a
// Corefile. It listens on UDP and TCP, runs each query through the server block's
// plugins in CoreDNS's plugin.cfg order, serves health (/health) and readiness
// (/ready) over HTTP, and reloads a changed Corefile the way the reload plugin
// does (a broken new Corefile is logged and the running config kept).
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CorefileError, pluginOf } from '../../../k8s/dns/corefile.js';
import { HealthEndpoints } from './health-endpoints.js';
import { closeListener, listen, type Listener } from './listeners.js';
import type { DnsLog, PluginEnv } from './plugins/types.js';
import { queryHandler } from './query-handler.js';
import { ReloadWatch } from './reload-watch.js';
import { buildConfig, sha512, startPlugins, stopPlugins, type RunningConfig } from './running-config.js';
import { SnapshotReader } from './snapshot-reader.js';
import { decode, encode, FLAG, type Packet } from './wire.js';

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

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const log = opts.log ?? defaultLog;
  const host = opts.host ?? '0.0.0.0';
  const resolvConfPath = opts.resolvConfPath ?? '/etc/resolv.conf';
  const corefileName = opts.corefileName ?? 'Corefile';
  const reader = new SnapshotReader(opts.storePath, (m) => log.error(m));
  const listeners = new Map<number, Listener>();
  let running: RunningConfig;
  let closed = false;
  // The reload plugin retries a broken Corefile only once it changes again.
  let lastFailedHash = '';

  const queries = queryHandler(() => running, log);
  const endpoints = new HealthEndpoints(reader, () => running);
  const listenOptions = { host, log, handleWire: queries.handleWire, closed: () => closed };

  const envFor = (requestedPort: number): PluginEnv => ({
    log,
    snapshot: () => reader.read(),
    synced: () => reader.synced,
    resolvConfPath,
    lookup: async (name, type) => {
      const req = { type: 'query', id: randomInt(0, 65536), flags: FLAG.RD, questions: [{ name, type, class: 'IN' }] } as Packet;
      const wire = encode(req);
      const decoded = decode(wire);
      const query = { req: decoded, original: decoded, proto: 'udp' as const, remote: { address: '127.0.0.1', port: 0 }, size: wire.length, internal: true };
      return queries.dispatch(query, requestedPort);
    },
    fatal: (message) => {
      log.raw(`[FATAL] ${message}`);
      if (opts.onFatal) opts.onFatal(message);
      else void handle.close();
    },
  });
  const build = (text: string) => buildConfig(text, { corefileName, port: opts.port, resolvConfPath, envFor });

  /** Listens on exactly the ports and health addresses `next` needs; on failure the ports it opened are closed again. */
  const reconcile = async (next: RunningConfig) => {
    const wantedPorts = [...new Set(next.blocks.map((b) => b.requestedPort))];
    const opened: Listener[] = [];
    try {
      for (const p of wantedPorts) if (!listeners.has(p)) opened.push(await listen(p, listenOptions));
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
    await endpoints.reconcile(next);
  };

  const start = (config: RunningConfig) => {
    for (const b of config.corefile.servers) for (const k of b.keys) log.raw(`${k.zone}:${listeners.get(opts.port ?? k.port)?.port ?? k.port}`);
    if (config.corefile.servers.some((b) => pluginOf(b, 'reload'))) log.info(`plugin/reload: Running configuration SHA512 = ${config.hash}`);
    startPlugins(config, host, (requestedPort) => listeners.get(requestedPort)?.port);
  };

  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, changed: false });
  const reload = (text: string): Promise<ReloadResult> => {
    reloading = reloading.then(async (): Promise<ReloadResult> => {
      if (closed) return { ok: false, error: new Error('the DNS server is closed') };
      if (sha512(text) === running.hash) return { ok: true, changed: false };
      let next: RunningConfig | undefined;
      try {
        next = build(text);
        await reconcile(next);
      } catch (error) {
        if (next) stopPlugins(next);
        lastFailedHash = sha512(text);
        const message = error instanceof CorefileError ? error.coreDnsLine() : (error as Error).message;
        log.error(`plugin/reload: Corefile changed but reload failed: ${message}`);
        // Keep serving the old configuration on its old ports.
        await reconcile(running).catch(() => {});
        return { ok: false, error: error as Error };
      }
      log.info('Reloading');
      const old = running;
      running = next;
      stopPlugins(old);
      start(running);
      log.info('Reloading complete');
      watch.schedule();
      return { ok: true, changed: true };
    });
    return reloading;
  };

  const watch = new ReloadWatch({
    corefilePath: opts.corefilePath,
    checkMs: opts.reloadCheckMs,
    log,
    config: () => running,
    lastFailedHash: () => lastFailedHash,
    reload,
    closed: () => closed,
  });

  // Start-up: a Corefile CoreDNS would reject makes the server (the pod) fail.
  try {
    running = build(opts.corefile);
  } catch (error) {
    if (error instanceof CorefileError) throw new Error(error.coreDnsLine(), { cause: error });
    throw error;
  }
  try {
    await reconcile(running);
  } catch (error) {
    stopPlugins(running);
    for (const l of listeners.values()) await closeListener(l);
    endpoints.abandon();
    throw error;
  }
  // CoreDNS waits (up to 5 s) for its first sync with the API server before serving.
  await reader.read();
  start(running);
  watch.schedule();

  const handle: DnsServer = {
    get port() {
      return listeners.get(running.blocks[0]!.requestedPort)?.port ?? 0;
    },
    host,
    ports: () => [...listeners.values()].map((l) => l.port),
    healthAddress: () => endpoints.healthAddress(),
    readyAddress: () => endpoints.readyAddress(),
    reload,
    async close(closeOpts) {
      if (closed) return;
      const lameduck = Math.max(0, ...running.corefile.servers.map((b) => pluginOf(b, 'health')?.lameduckMs ?? 0));
      if (closeOpts?.lameduck && lameduck > 0) {
        log.info(`plugin/health: Going into lameduck mode for ${lameduck / 1000}s`);
        await new Promise((r) => setTimeout(r, lameduck));
      }
      closed = true;
      watch.stop();
      stopPlugins(running);
      await Promise.all([...listeners.values()].map(closeListener));
      listeners.clear();
      await endpoints.close();
    },
  };
  return handle;
}
