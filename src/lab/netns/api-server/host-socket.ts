// The API server's listening socket, made by the process that starts a lab, in the
// host's network namespace, on 127.0.0.1 only. The holder inherits it as fd 3 and the
// supervisor accepts on it from inside the lab's namespaces: a socket keeps the
// namespace it was made in, so kubectl on the host reaches it, and nothing else can.
import net from 'node:net';

/** The fd the lab's processes find the listening socket at (spawn's stdio slot 3). */
export const API_SOCKET_FD = 3;

export interface HostSocket {
  fd: number;
  port: number;
  /** Closes this process's copy; the lab's copy stays open. */
  close(): void;
}

export function bindHostSocket(): Promise<HostSocket> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    // A backlog as kube-apiserver's: kubectl opens a handful of connections at once.
    server.listen({ host: '127.0.0.1', port: 0, backlog: 511 }, () => {
      const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
      const { port } = server.address() as net.AddressInfo;
      resolve({ fd, port, close: () => server.close() });
    });
  });
}
