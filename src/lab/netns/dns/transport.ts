// One DNS exchange with one server over UDP or TCP, used by the forward plugin and
// the stub resolver. Errors read like Go's net errors (`read udp a->b: i/o
// timeout`), because that is what CoreDNS's error log shows learners.
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, type DecodedPacket } from './wire.js';

export type ExchangeFailure = 'timeout' | 'refused' | 'network';

export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly kind: ExchangeFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExchangeError';
  }
}

const hostPort = (host: string, port: number) => (net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

/** Sends `query` (whose id is `id`) and waits for the matching reply, at most `timeoutMs`. */
export function exchangeUdp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let local = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed
      }
      fn();
    };
    const remote = hostPort(host, port);
    const timer = setTimeout(() => {
      finish(() => reject(new ExchangeError(`read udp ${local}->${remote}: i/o timeout`, 'timeout')));
    }, Math.max(1, timeoutMs));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      finish(() =>
        reject(
          new ExchangeError(`read udp ${local}->${remote}: ${refused ? 'connection refused' : error.message}`, refused ? 'refused' : 'network', {
            cause: error,
          }),
        ),
      );
    });
    socket.on('message', (msg) => {
      let packet: DecodedPacket;
      try {
        packet = decode(msg);
      } catch {
        return; // garbage: keep waiting, as a resolver does
      }
      if (packet.id !== id || packet.type !== 'response') return;
      finish(() => resolve(packet));
    });
    socket.connect(port, host, () => {
      const a = socket.address();
      local = hostPort(a.address, a.port);
      socket.send(query, (error) => {
        if (error) socket.emit('error', error);
      });
    });
  });
}

/** One query over a fresh TCP connection (2-byte length prefix), at most `timeoutMs` overall. */
export function exchangeTcp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const remote = hostPort(host, port);
    const socket = net.connect({ host, port });
    let settled = false;
    let buffered = Buffer.alloc(0);
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ExchangeError(`read tcp ${socket.localAddress ?? ''}:${socket.localPort ?? ''}->${remote}: i/o timeout`, 'timeout')));
    }, Math.max(1, timeoutMs));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const n = buffered.readUInt16BE(0);
        if (buffered.length < n + 2) return;
        const msg = buffered.subarray(2, n + 2);
        buffered = buffered.subarray(n + 2);
        try {
          const packet = decode(msg);
          if (packet.id === id) {
            finish(() => resolve(packet));
            return;
          }
        } catch {
          // ignore a malformed message
        }
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      finish(() =>
        reject(new ExchangeError(`dial tcp ${remote}: connect: ${refused ? 'connection refused' : error.message}`, refused ? 'refused' : 'network', { cause: error })),
      );
    });
    socket.on('end', () => finish(() => reject(new ExchangeError(`read tcp ->${remote}: EOF`, 'network'))));
  });
}
