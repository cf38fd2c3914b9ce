// One DNS exchange with one server over UDP or TCP, used by the forward plugin and
// the stub resolver. Errors read like Go's net errors (`read udp a->b: i/o
// timeout`), because that is what CoreDNS's error log shows learners.
import dgram from 'node:dgram';
import net from 'node:net';
import { silenceTimer } from '../silence-timer.js';
import { decode, type DecodedPacket } from './wire.js';
import { FrameReader, frame } from './tcp-framing.js';

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

/**
 * One query to one server over UDP, on a socket kept for every try, as glibc's
 * res_send keeps it: each try sends the same query (same id) again, and a reply
 * to an earlier try that arrives late still counts.
 */
export class UdpQuery {
  private socket?: dgram.Socket;
  private local = '';
  private readonly remote: string;
  /** A reply that came while no try was waiting. */
  private early?: DecodedPacket;
  private waiter?: { resolve: (p: DecodedPacket) => void; reject: (e: ExchangeError) => void };

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly query: Buffer,
    private readonly id: number,
  ) {
    this.remote = hostPort(host, port);
  }

  /** Sends the query (again) and waits at most `timeoutMs` for the matching reply. */
  try(timeoutMs: number): Promise<DecodedPacket> {
    if (this.early) return Promise.resolve(this.early);
    return new Promise((resolve, reject) => {
      const timer = silenceTimer(Math.max(1, timeoutMs), () => {
        this.waiter = undefined;
        reject(new ExchangeError(`read udp ${this.local}->${this.remote}: i/o timeout`, 'timeout'));
      });
      this.waiter = {
        resolve: (p) => {
          timer.cancel();
          resolve(p);
        },
        reject: (e) => {
          timer.cancel();
          reject(e);
        },
      };
      this.send();
    });
  }

  private send(): void {
    if (this.socket) {
      this.socket.send(this.query, (error) => error && this.fail(error));
      return;
    }
    const socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4');
    this.socket = socket;
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    socket.on('message', (msg) => {
      let packet: DecodedPacket;
      try {
        packet = decode(msg);
      } catch {
        return; // garbage: keep waiting, as a resolver does
      }
      if (packet.id !== this.id || packet.type !== 'response') return;
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = undefined;
        waiter.resolve(packet);
      } else this.early = packet;
    });
    socket.connect(this.port, this.host, () => {
      const a = socket.address();
      this.local = hostPort(a.address, a.port);
      socket.send(this.query, (error) => error && this.fail(error));
    });
  }

  /** An error ends this socket (the next try opens a new one) and the try waiting on it. */
  private fail(error: NodeJS.ErrnoException): void {
    this.close();
    const refused = error.code === 'ECONNREFUSED';
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(
      new ExchangeError(`read udp ${this.local}->${this.remote}: ${refused ? 'connection refused' : error.message}`, refused ? 'refused' : 'network', {
        cause: error,
      }),
    );
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    try {
      socket?.close();
    } catch {
      // already closed
    }
  }
}

/** Sends `query` (whose id is `id`) and waits for the matching reply, at most `timeoutMs`. */
export async function exchangeUdp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  const exchange = new UdpQuery(host, port, query, id);
  try {
    return await exchange.try(timeoutMs);
  } finally {
    exchange.close();
  }
}

/** One query over a fresh TCP connection (2-byte length prefix), at most `timeoutMs` overall. */
export function exchangeTcp(host: string, port: number, query: Buffer, id: number, timeoutMs: number): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const remote = hostPort(host, port);
    const socket = net.connect({ host, port });
    let settled = false;
    const frames = new FrameReader();
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      socket.destroy();
      fn();
    };
    const timer = silenceTimer(Math.max(1, timeoutMs), () => {
      finish(() => reject(new ExchangeError(`read tcp ${socket.localAddress ?? ''}:${socket.localPort ?? ''}->${remote}: i/o timeout`, 'timeout')));
    });
    socket.on('connect', () => socket.write(frame(query)));
    socket.on('data', (chunk) => {
      for (const msg of frames.push(chunk)) {
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
        reject(
          new ExchangeError(`dial tcp ${remote}: connect: ${refused ? 'connection refused' : error.message}`, refused ? 'refused' : 'network', {
            cause: error,
          }),
        ),
      );
    });
    socket.on('end', () => finish(() => reject(new ExchangeError(`read tcp ->${remote}: EOF`, 'network'))));
  });
}
