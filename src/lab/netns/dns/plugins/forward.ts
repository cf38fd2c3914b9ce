// forward: proxies queries for FROM to upstream servers (from the Corefile or a
// resolv.conf), each tried with a 2 s read timeout within CoreDNS's 5 s overall
// budget; when none answers the client gets SERVFAIL and errors prints why.
import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import { CorefileError, type ForwardConfig } from '../../../../k8s/dns/corefile.js';
import { parseResolvConf } from '../resolver.js';
import { exchangeTcp, exchangeUdp } from '../transport.js';
import { encode, isSubdomain, lowerFq, rcodeOf, type Packet } from '../wire.js';
import { errorReply, questionOf, type Handler, type PluginInstance, type Query } from './types.js';

export const FORWARD_READ_TIMEOUT_MS = 2000;
export const FORWARD_DEADLINE_MS = 5000;

export interface UpstreamAddress {
  host: string;
  port: number;
}

/** The upstream addresses; a file (`/etc/resolv.conf`) contributes its nameserver lines. */
export function resolveUpstreams(cfg: ForwardConfig, resolvConfPath: string, file = 'Corefile'): UpstreamAddress[] {
  const out: UpstreamAddress[] = [];
  for (const to of cfg.to) {
    if (to.kind === 'address') {
      out.push({ host: to.host, port: to.port });
      continue;
    }
    const path = to.path === '/etc/resolv.conf' ? resolvConfPath : to.path;
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch {
      throw new CorefileError(file, cfg.line, `not an IP address or file: "${to.raw}"`, 'forward');
    }
    const servers = parseResolvConf(text).nameservers;
    if (!servers.length) throw new CorefileError(file, cfg.line, `no nameservers found in ${to.raw}`, 'forward');
    for (const s of servers) out.push({ host: s, port: 53 });
  }
  return out;
}

export function forwardPlugin(cfg: ForwardConfig, upstreams: UpstreamAddress[]): PluginInstance {
  let inflight = 0;
  let turn = 0;
  const order = (): UpstreamAddress[] => {
    if (cfg.policy === 'sequential') return upstreams;
    if (cfg.policy === 'round_robin') {
      const start = turn++ % upstreams.length;
      return [...upstreams.slice(start), ...upstreams.slice(0, start)];
    }
    const list = [...upstreams];
    for (let i = list.length - 1; i > 0; i--) {
      const j = randomInt(0, i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  };

  const forward = async (q: Query, next: Handler) => {
    const deadline = Date.now() + FORWARD_DEADLINE_MS;
    const proto = cfg.forceTcp ? 'tcp' : cfg.preferUdp ? 'udp' : q.proto;
    let lastError: Error | undefined;
    for (const u of order()) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const id = randomInt(0, 65536);
      const wire = encode({ ...q.req, id });
      try {
        const res =
          proto === 'tcp'
            ? await exchangeTcp(u.host, u.port, wire, id, Math.min(FORWARD_READ_TIMEOUT_MS, left))
            : await exchangeUdp(u.host, u.port, wire, id, Math.min(FORWARD_READ_TIMEOUT_MS, left));
        if (cfg.next.includes(rcodeOf(res))) return next(q);
        const msg: Packet = { ...res, id: q.req.id ?? 0 };
        return { msg };
      } catch (error) {
        lastError = error as Error;
      }
    }
    return errorReply(q, 'SERVFAIL', lastError ?? new Error('no healthy upstreams'));
  };

  return {
    name: 'forward',
    wrap: (next) => async (q) => {
      const name = lowerFq(questionOf(q).name);
      if (!isSubdomain(name, cfg.from) || cfg.except.some((z) => isSubdomain(name, z))) return next(q);
      if (cfg.maxConcurrent !== undefined && cfg.maxConcurrent > 0 && inflight >= cfg.maxConcurrent) {
        return errorReply(q, 'REFUSED', new Error('concurrent queries exceeded maximum'));
      }
      inflight++;
      try {
        return await forward(q, next);
      } finally {
        inflight--;
      }
    },
  };
}
