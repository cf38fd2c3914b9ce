// The CLI's side of the supervisor's Unix-socket API.
// Its errors are the lab contract's (src/errors.ts), so the CLI maps them without knowing this backend.
import http from 'node:http';
import { LabRequestError, LabUnreachableError } from '../../errors.js';

export function callSupervisor<T>(socketPath: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        path,
        method,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: { error?: string };
          try {
            parsed = JSON.parse(text) as { error?: string };
          } catch {
            parsed = { error: text };
          }
          if (res.statusCode === 200) resolve(parsed as T);
          else reject(new LabRequestError(parsed.error ?? `supervisor answered ${res.statusCode}`, res.statusCode ?? 500));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the lab supervisor did not answer in time')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new LabUnreachableError('the lab supervisor is not running'));
      else reject(error);
    });
    req.end(payload);
  });
}
