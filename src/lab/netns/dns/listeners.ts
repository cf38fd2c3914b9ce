// The DNS server's sockets: one UDP socket and one TCP server per port, on the
// same port number, handing each message to the query handler.
import dgram from 'node:dgram';
import net from 'node:net';
import type { DnsLog } from './plugins/types.js';
import type { QueryHandler } from './query-handler.js';
import { FrameReader, frame } from './tcp-framing.js';

export interface Listener {
  /** The port the Corefile asked for (0: any free one). */
  requestedPort: number;
  /** The port actually bound. */
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  sockets: Set<net.Socket>;
}

export interface ListenOptions {
  host: string;
  log: DnsLog;
  handleWire: QueryHandler['handleWire'];
  /** True once the server is closed: replies still in flight are dropped. */
  closed(): boolean;
}

/** Listens on `requestedPort`; the error reads as CoreDNS's (`listen tcp …: bind: address already in use`). */
export async function listen(requestedPort: number, opts: ListenOptions): Promise<Listener> {
  // Port 0: UDP picks a free port and TCP takes the same one; retry if TCP's is taken.
  for (let tries = 0; ; tries++) {
    try {
      return await bindOnce(requestedPort, requestedPort, opts);
    } catch (error) {
      if (requestedPort !== 0 || tries >= 10 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        const e = error as NodeJS.ErrnoException;
        throw new Error(`listen tcp ${opts.host}:${requestedPort}: bind: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`, { cause: error });
      }
    }
  }
}

export function closeListener(l: Listener): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      l.udp.close();
    } catch {
      // already closed
    }
    for (const s of l.sockets) s.destroy();
    l.tcp.close(() => resolve());
  });
}

function bindOnce(requestedPort: number, port: number, opts: ListenOptions): Promise<Listener> {
  const { host, log, handleWire } = opts;
  return new Promise((resolve, reject) => {
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
          if (out && !opts.closed()) udp.send(out, rinfo.port, rinfo.address);
        });
      });
      listener.tcp.on('connection', (socket) => serveTcp(socket, listener, handleWire));
      listener.tcp.once('error', (e) => fail(e));
      listener.tcp.listen(actual, host, () => resolve(listener));
    });
  });
}

/** DNS over TCP: each message is prefixed by its length (RFC 1035 4.2.2); a connection idle for 10 s is closed. */
function serveTcp(socket: net.Socket, listener: Listener, handleWire: QueryHandler['handleWire']): void {
  listener.sockets.add(socket);
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('close', () => listener.sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  const frames = new FrameReader();
  socket.on('data', (chunk) => {
    for (const msg of frames.push(chunk)) {
      const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
      void handleWire(msg, 'tcp', remote, listener.requestedPort).then((out) => {
        if (out && !socket.destroyed) socket.write(frame(out));
      });
    }
  });
}
