// The only ways out of an attendee's network namespace: their lab's API server and
// the room's server, each through a Unix socket (a path crosses network namespaces,
// an address does not). Inside, a relay listens on the loopback address and port
// the attendee's kubeconfig and workshop membership name and passes each connection
// to its socket; outside, the launcher passes each connection on that socket to the
// same port on the host's loopback. Nothing else of the host's network is reachable.
import fs from 'node:fs';
import net from 'node:net';

/** The port of the lab's API server, from its kubeconfig (the lab writes `server: https://127.0.0.1:PORT`); undefined until it exists. */
export function apiPortOf(kubeconfig: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(kubeconfig, 'utf8');
  } catch {
    return undefined;
  }
  const port = Number(/server:\s*https:\/\/127\.0\.0\.1:(\d+)/.exec(text)?.[1]);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

/** Outside: each connection to the Unix socket `socketPath` goes to 127.0.0.1:port(), looked up per connection. */
export function relayUnixToLoopback(socketPath: string, port: () => number | undefined): Promise<net.Server> {
  const server = net.createServer((client) => {
    const target = port();
    if (target === undefined) return client.destroy();
    pipeBoth(client, net.connect({ host: '127.0.0.1', port: target }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** Inside: each connection to 127.0.0.1:port goes to the Unix socket `socketPath` (a port taken already is left alone). */
export function relayLoopbackToUnix(port: number, socketPath: string): net.Server {
  const server = net.createServer((client) => pipeBoth(client, net.connect(socketPath)));
  server.on('error', () => server.close());
  server.listen({ host: '127.0.0.1', port });
  return server;
}

/**
 * Inside: listens on the port the kubeconfig names, and moves when a reset lab's kubeconfig names another.
 * Polls (fs.watch misses a file replaced by rename) once a second: a reset takes longer than that.
 */
export function followApiPort(kubeconfig: string, socketPath: string): void {
  let current: { port: number; server: net.Server } | undefined;
  const update = () => {
    const port = apiPortOf(kubeconfig);
    if (port === current?.port) return;
    current?.server.close();
    current = port === undefined ? undefined : { port, server: relayLoopbackToUnix(port, socketPath) };
  };
  update();
  setInterval(update, 1000).unref();
}
