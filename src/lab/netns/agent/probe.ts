// A probe sent from inside the pod: resolve the name as the pod's own resolver
// would (its resolv.conf, search list, ndots), then connect, and classify what
// happened so grading and the learner read the same verdict.
import fs from 'node:fs';
import net from 'node:net';
import type { ProbeResult } from '../../lab.js';
import { parseProbeUrl } from '../../probe-url.js';
import { parseResolvConf, resolveName } from '../dns/resolver.js';
import { httpGet, tcpConnect, udpAsk } from './transport.js';

/** `resolvConfPath` is the pod's (a pod thread's /etc/resolv.conf is the host's). */
export async function sendProbe(to: string, timeoutMs: number, resolvConfPath: string): Promise<ProbeResult> {
  const started = performance.now();
  const target = parseProbeUrl(to);
  const elapsed = () => Math.round(performance.now() - started);
  let address = target.host;
  let dns: ProbeResult['dns'];
  if (!net.isIP(target.host)) {
    const resolution = await resolveName(target.host, {
      resolvConf: parseResolvConf(fs.readFileSync(resolvConfPath, 'utf8')),
      // Shorter than glibc's 5 s per try, so that a silent resolver is reported in one
      // probe timeout: glibc asks the first search name twice and, when no answer came,
      // the name as is twice more. A late reply to a name's first try still counts
      // during its second, so each name has half the timeout to answer.
      deadlineMs: timeoutMs * 2,
      perQueryTimeoutMs: Math.max(1, Math.round(timeoutMs / 4)),
    });
    dns = resolution.queries;
    if (resolution.outcome !== 'ok' || resolution.addresses.length === 0) {
      const outcome = resolution.outcome === 'nxdomain' ? 'nxdomain' : resolution.outcome === 'timeout' ? 'dns-timeout' : 'dns-error';
      const why =
        resolution.outcome === 'nxdomain'
          ? `${target.host} does not exist (NXDOMAIN for every search-list candidate)`
          : resolution.outcome === 'timeout'
            ? `no DNS server answered for ${target.host}`
            : resolution.outcome === 'nodata'
              ? `${target.host} exists but has no address record`
              : `DNS lookup of ${target.host} failed (${resolution.outcome.toUpperCase()})`;
      return { outcome, detail: why, ms: elapsed(), dns };
    }
    address = resolution.addresses[0]!;
    if (target.scheme === 'dns') return { outcome: 'success', detail: `${target.host} → ${resolution.addresses.join(', ')}`, ms: elapsed(), address, dns };
  } else if (target.scheme === 'dns') {
    return { outcome: 'success', detail: `${target.host} is an address`, ms: elapsed(), address };
  }

  const result =
    target.scheme === 'http'
      ? await httpGet(address, target.port, target.path === '/' ? '/hostname' : target.path, timeoutMs)
      : target.scheme === 'udp'
        ? await udpAsk(address, target.port, 'hostname', timeoutMs)
        : await tcpConnect(address, target.port, timeoutMs);
  const answeredBy = result.outcome === 'success' && target.path === '/' && target.scheme !== 'tcp' ? result.body?.trim() : undefined;
  return {
    outcome: result.outcome,
    detail: answeredBy ? `${result.detail}, answered by ${answeredBy}` : result.detail,
    ms: elapsed(),
    address: `${address}:${target.port}`,
    ...(answeredBy ? { answeredBy } : {}),
    ...(dns ? { dns } : {}),
  };
}
