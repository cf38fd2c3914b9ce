// The pod's application: answers like agnhost netexec (the upstream e2e test
// image), so probes mean the same here as on a kind cluster running agnhost.
import dgram from 'node:dgram';
import http from 'node:http';
import { dial } from './dial.js';

export interface NetexecOptions {
  hostname: string;
  tcpPorts: number[];
  udpPorts: number[];
  /** Address to listen on; 0.0.0.0 normally. */
  address: string;
  /** agnhost porter: ports (as strings) whose every request is answered with this body instead of netexec's endpoints. */
  fixedBodies?: Record<string, string>;
}

/** A line as agnhost writes it with Go's log package (`2006/01/02 15:04:05 GET /hostname`): the pod's log, `kubectl logs`. */
function logLine(message: string): void {
  const t = new Date().toISOString();
  console.log(`${t.slice(0, 10).replaceAll('-', '/')} ${t.slice(11, 19)} ${message}`);
}

/** What agnhost logs for a request: the path, and for /echo and /dial the parameters it read. */
function requestLine(url: URL): string {
  const q = url.searchParams;
  if (url.pathname === '/echo') return `GET /echo?msg=${q.get('msg') ?? ''}&code=${q.get('code') ?? ''}`;
  if (url.pathname === '/dial') {
    return `GET /dial?host=${q.get('host') ?? ''}&protocol=${q.get('protocol') ?? ''}&port=${q.get('port') ?? ''}&request=${q.get('request') ?? ''}&tries=${q.get('tries') ?? ''}`;
  }
  return `GET ${url.pathname}`;
}

function clientIp(req: http.IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return `${remoteAddress}:${remotePort}`;
}

const KNOWN_PATHS = new Set(['/', '/hostname', '/healthz', '/readyz', '/clientip', '/echo', '/dial']);

function handler(hostname: string): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://pod');
    if (KNOWN_PATHS.has(url.pathname)) logLine(requestLine(url));
    const send = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    switch (url.pathname) {
      case '/':
        return send(200, `NOW: ${new Date().toISOString()}`);
      case '/hostname':
        return send(200, hostname);
      case '/healthz':
        return send(200, 'ok');
      case '/readyz':
        return send(200, 'ok');
      case '/clientip':
        return send(200, clientIp(req));
      case '/echo':
        return send(200, url.searchParams.get('msg') ?? '');
      case '/dial': {
        const q = url.searchParams;
        void dial({
          request: q.get('request') ?? 'hostname',
          host: q.get('host') ?? '',
          port: Number(q.get('port')),
          protocol: (q.get('protocol') ?? 'http') as 'http' | 'udp',
          tries: Math.max(1, Math.min(Number(q.get('tries') ?? 1), 10)),
        }).then((result) => send(200, JSON.stringify(result), 'application/json'));
        return;
      }
      default:
        return send(404, '404 page not found');
    }
  };
}

export async function startNetexec(options: NetexecOptions): Promise<() => Promise<void>> {
  const closers: (() => Promise<void>)[] = [];
  for (const port of options.tcpPorts) {
    const body = options.fixedBodies?.[String(port)];
    const server = http.createServer(
      body === undefined ? handler(options.hostname) : (_req, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.address, () => resolve());
    });
    logLine(`Started HTTP server on port ${port}`);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  }
  for (const port of options.udpPorts) {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const text = msg.toString().trim();
      let reply = '';
      if (text === 'hostname') reply = options.hostname;
      else if (text === 'clientip') reply = `${rinfo.address}:${rinfo.port}`;
      else if (text.startsWith('echo ')) reply = text.slice(5);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, options.address, () => resolve());
    });
    logLine(`Started UDP server on port  ${port}`);
    closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
  }
  return async () => {
    await Promise.all(closers.map((c) => c()));
  };
}
