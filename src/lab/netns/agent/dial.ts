// agnhost netexec's /dial: ask this pod to contact another and report what came back.
import { httpGet, type TransportOutcome, udpAsk } from './transport.js';

export interface DialRequest {
  request: string;
  host: string;
  port: number;
  protocol: 'http' | 'udp';
  tries: number;
}

export async function dial(r: DialRequest): Promise<{ responses: string[]; errors: string[] }> {
  const responses: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < r.tries; i++) {
    const result =
      r.protocol === 'udp' ? await udpAsk(r.host, r.port, r.request, 1000) : await httpGet(r.host, r.port, `/${r.request.replace(/^\//, '')}`, 1000);
    if (result.outcome === 'success') responses.push(result.body ?? '');
    else errors.push(goError(r, result.outcome));
  }
  return { responses, errors };
}

/**
 * A failed try as agnhost reports it: the Go error of its HTTP client or UDP read, which is what clients of /dial
 * (netbreak's cluster backends among them) read to tell a refusal from a timeout.
 */
function goError(r: DialRequest, outcome: Exclude<TransportOutcome, 'success'>): string {
  const target = `${r.host}:${r.port}`;
  if (r.protocol === 'udp') {
    const why = outcome === 'refused' ? 'recvfrom: connection refused' : outcome === 'unreachable' ? 'recvfrom: no route to host' : 'i/o timeout';
    return `reading from udp connection failed. err:'read udp ->${target}: ${why}'`;
  }
  const get = `Get "http://${target}/${r.request.replace(/^\//, '')}"`;
  if (outcome === 'timeout') return `${get}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  return `${get}: dial tcp ${target}: connect: ${outcome === 'refused' ? 'connection refused' : 'no route to host'}`;
}
