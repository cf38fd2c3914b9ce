// The pod agent's side of `kubectl port-forward`: a `CONNECT 127.0.0.1:PORT` on its
// control socket becomes a connection to the pod's own localhost, opened by the pod's
// thread and so inside the pod's network namespace, which is how kubelet forwards;
// NetworkPolicies do not apply to it, as on a cluster.
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** Serves one CONNECT request of the control server (its 'connect' event). */
export function forwardToLocalhost(req: http.IncomingMessage, client: Duplex, head: Buffer): void {
  const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(req.url ?? '')?.[1]);
  if (!(port > 0 && port < 65536)) {
    client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nonly 127.0.0.1:PORT can be forwarded to');
    return;
  }
  const upstream = net.connect(port, '127.0.0.1');
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once('error', (error: NodeJS.ErrnoException) => {
    if (!connected) {
      client.end(`HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\ndial tcp4 127.0.0.1:${port}: connect: ${connectError(error)}`);
    } else client.destroy();
  });
  client.on('error', () => upstream.destroy());
}

/** Go's words for a failed connect, which kubelet's port-forward error carries. */
function connectError(error: NodeJS.ErrnoException): string {
  return error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message);
}
