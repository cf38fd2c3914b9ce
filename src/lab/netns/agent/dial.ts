// agnhost netexec's /dial: ask this pod to contact another and report what came back.
import { httpGet, udpAsk } from './transport.js';

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
    else errors.push(result.detail);
  }
  return { responses, errors };
}
