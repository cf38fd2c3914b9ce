// The three ways a pod talks to a peer, each classifying failure the way a
// learner should read it: refused (RST or ICMP unreachable from the target),
// unreachable (no route), timeout (silence: usually a DROP somewhere).
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { silenceTimer } from '../silence-timer.js';

export type TransportOutcome = 'success' | 'refused' | 'timeout' | 'unreachable';

export interface TransportResult {
  outcome: TransportOutcome;
  body?: string;
  status?: number;
  detail: string;
}

function classify(error: NodeJS.ErrnoException): TransportOutcome {
  if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') return 'refused';
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return 'unreachable';
  return 'timeout';
}

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<TransportResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = silenceTimer(timeoutMs, () => {
      socket.destroy();
      resolve({ outcome: 'timeout', detail: `no answer from ${host}:${port} within ${timeoutMs} ms` });
    });
    socket.once('connect', () => {
      timer.cancel();
      socket.destroy();
      resolve({ outcome: 'success', detail: `connected to ${host}:${port}` });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      timer.cancel();
      resolve({ outcome: classify(error), detail: `${error.code ?? error.message} from ${host}:${port}` });
    });
  });
}

/**
 * The handshake and the response each get `timeoutMs` of silence: the kernel
 * answers a SYN at once, so silence there is a drop; once connected, the path is
 * known to work and the response gets its own time (silence then is a reply lost
 * on the way back, as behind an MTU black hole).
 */
export function httpGet(host: string, port: number, path: string, timeoutMs: number): Promise<TransportResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: TransportResult) => {
      if (!settled) {
        settled = true;
        timer.cancel();
        resolve(r);
      }
    };
    const req = http.get({ host, port, path, agent: false, headers: { 'user-agent': 'netbreak-probe' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ outcome: 'success', status: res.statusCode, body: Buffer.concat(chunks).toString(), detail: `HTTP ${res.statusCode} from ${host}:${port}` }),
      );
      res.on('error', () => done({ outcome: 'timeout', detail: `the response from ${host}:${port} was cut off` }));
    });
    const silence = (detail: string) => () => {
      req.destroy();
      done({ outcome: 'timeout', detail });
    };
    let timer = silenceTimer(timeoutMs, silence(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    req.on('socket', (socket) =>
      socket.once('connect', () => {
        timer.cancel();
        timer = silenceTimer(timeoutMs, silence(`connected to ${host}:${port}, but no HTTP response came within ${timeoutMs} ms`));
      }),
    );
    req.on('error', (error: NodeJS.ErrnoException) => done({ outcome: classify(error), detail: `${error.code ?? error.message} from ${host}:${port}` }));
  });
}

export function udpAsk(host: string, port: number, message: string, timeoutMs: number): Promise<TransportResult> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const finish = (r: TransportResult) => {
      timer.cancel();
      socket.close();
      resolve(r);
    };
    const timer = silenceTimer(timeoutMs, () => finish({ outcome: 'timeout', detail: `no UDP answer from ${host}:${port} within ${timeoutMs} ms` }));
    socket.on('message', (msg) => finish({ outcome: 'success', body: msg.toString(), detail: `UDP answer from ${host}:${port}` }));
    // A connected UDP socket reports ICMP port unreachable as ECONNREFUSED.
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ outcome: classify(error), detail: `${error.code ?? error.message} from ${host}:${port}` }));
    socket.connect(port, host, () => socket.send(message));
  });
}
