// An upgrade request (exec, attach, port-forward) that cannot be served is answered
// on the raw socket with a plain HTTP response carrying a Status, as kube-apiserver
// answers it: kubectl then prints "error: unable to upgrade connection: <message>".
import type { Duplex } from 'node:stream';
import type { ApiError } from '../../../k8s/api-status.js';

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

export function refuseUpgrade(socket: Duplex, error: ApiError): void {
  const body = JSON.stringify(error.toStatus());
  socket.end(
    `HTTP/1.1 ${error.code} ${REASON_PHRASES[error.code] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
