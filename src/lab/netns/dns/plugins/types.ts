// The plugin contract of the lab's DNS server: CoreDNS's plugin.Handler recast
// as middleware. Each plugin wraps the rest of the chain (`next`); the server
// builds the chain in plugin.cfg order.
import type { StoreSnapshot } from '../../store-snapshot.js';
import { replyTo, type DecodedPacket, type Packet } from '../wire.js';

export interface Query {
  /** The request as the plugin sees it (rewrite may have changed its question). */
  req: DecodedPacket;
  /** The request as the client sent it. */
  original: DecodedPacket;
  proto: 'udp' | 'tcp';
  remote: { address: string; port: number };
  /** Bytes of the request on the wire. */
  size: number;
  /** An internal lookup (CNAME chasing, the loop probe's own query), not a client. */
  internal?: boolean;
}

export interface Reply {
  /** A complete response; its rcode is in the flags. */
  msg: Packet;
  /** What went wrong, for the errors plugin to print (CoreDNS's returned error). */
  err?: Error;
}

export type Handler = (q: Query) => Promise<Reply>;

/** Lines the server prints, as CoreDNS's log package does (`[INFO] …`, `[ERROR] …`). */
export interface DnsLog {
  info(line: string): void;
  error(line: string): void;
  /** Lines printed as they are (the start-up banner, query logs). */
  raw(line: string): void;
}

/** What plugins get from the server that runs them. */
export interface PluginEnv {
  log: DnsLog;
  snapshot(): Promise<StoreSnapshot | undefined>;
  synced(): boolean;
  /** Path read for `forward … /etc/resolv.conf`. */
  resolvConfPath: string;
  /** Resolves a name through this server block's whole chain (CoreDNS's upstream lookup). */
  lookup(name: string, type: string): Promise<Packet>;
  /** Ends the server the way CoreDNS's log.Fatal does (the loop plugin). */
  fatal(message: string): void;
}

/** One plugin instance in a built chain. */
export interface PluginInstance {
  name: string;
  wrap(next: Handler): Handler;
  /** Work after the server listens (the loop plugin's probe). */
  start?(address: { host: string; port: number }): void;
  /** Stops timers and sockets. */
  stop?(): void;
  /** For the ready plugin: false while the plugin cannot answer yet. */
  ready?(): boolean;
}

/** The reply CoreDNS's server writes when a plugin returns an error rcode without writing. */
export function errorReply(q: Query, rcode: string, err?: Error): Reply {
  const msg = replyTo(q.req, rcode);
  return err ? { msg, err } : { msg };
}

export function questionOf(q: Query): { name: string; type: string; class: string } {
  const question = q.req.questions?.[0];
  return { name: question?.name ?? '.', type: question?.type ?? 'A', class: question?.class ?? 'IN' };
}
