// An upgrade request (exec, attach, port-forward) that cannot be served is answered
// on the raw socket with a plain HTTP response carrying a Status, as kube-apiserver
// answers it: kubectl then prints "error: unable to upgrade connection: <message>".
import type { Duplex } from 'node:stream';

export interface RefusalStatus {
  code: number;
  reason: string;
  message: string;
}

const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

export function refuseUpgrade(socket: Duplex, status: RefusalStatus): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status });
  socket.end(
    `HTTP/1.1 ${status.code} ${REASON_PHRASES[status.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
