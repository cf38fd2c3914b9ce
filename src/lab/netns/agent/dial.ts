// agnhost netexec's /dial: ask this pod to contact another and report what came back.
import fs from 'node:fs';
import { parseResolvConf, resolveName } from '../dns/resolver.js';
import { httpGet, udpAsk } from './transport.js';

export interface DialRequest {
  request: string;
  host: string;
  port: number;
  protocol: 'http' | 'udp';
  tries: number;
}

/**
 * A name is resolved as the pod's own resolver would, with its resolv.conf: the
 * pod is a thread whose process's resolver (getaddrinfo) would read the host's
 * resolv.conf and ask from another namespace.
 */
export async function dial(r: DialRequest, resolvConfPath: string): Promise<{ responses: string[]; errors: string[] }> {
  const responses: string[] = [];
  const errors: string[] = [];
  const resolution = await resolveName(r.host, { resolvConf: parseResolvConf(fs.readFileSync(resolvConfPath, 'utf8')) });
  const address = resolution.addresses[0];
  for (let i = 0; i < r.tries; i++) {
    if (address === undefined) {
      errors.push(`lookup ${r.host}: ${resolution.outcome === 'nxdomain' ? 'no such host' : `DNS ${resolution.outcome}`}`);
      continue;
    }
    const result =
      r.protocol === 'udp' ? await udpAsk(address, r.port, r.request, 1000) : await httpGet(address, r.port, `/${r.request.replace(/^\//, '')}`, 1000);
    if (result.outcome === 'success') responses.push(result.body ?? '');
    else errors.push(result.detail);
  }
  return { responses, errors };
}
