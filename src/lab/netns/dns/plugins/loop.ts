// loop: at start-up the server sends itself `HINFO <random>.<random>.<zone>`. If
// that query comes back through the server more than twice, queries are going
// round in circles (typically `forward . /etc/resolv.conf` pointing at the DNS
// server itself) and CoreDNS exits with a fatal error; so does the lab's server.
import { randomInt } from 'node:crypto';
import type { LoopConfig } from '../../../../k8s/dns/corefile.js';
import { exchangeUdp } from '../transport.js';
import { encode, FLAG, isSubdomain, lowerFq } from '../wire.js';
import { questionOf, type PluginEnv, type PluginInstance } from './types.js';

const bigRandom = () => `${randomInt(1, 2 ** 47)}${randomInt(0, 2 ** 47)}`;

export function loopPlugin(_cfg: LoopConfig, zone: string, env: PluginEnv): PluginInstance {
  const qname = `${bigRandom()}.${bigRandom()}.${zone === '.' ? '' : zone}`;
  let seen = 0;
  let disabled = false;
  let stopped = false;
  let listen = '';
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
  };
  return {
    name: 'loop',
    start(address) {
      const host = address.host === '0.0.0.0' || address.host === '' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
      listen = `${address.host === '0.0.0.0' ? '' : address.host}:${address.port}`;
      const deadline = Date.now() + 30_000;
      const probe = async () => {
        if (stopped || disabled) return;
        if (Date.now() > deadline) {
          disabled = true;
          return;
        }
        const id = randomInt(0, 65536);
        const query = encode({ type: 'query', id, flags: FLAG.RD, questions: [{ name: qname, type: 'HINFO', class: 'IN' }] });
        try {
          await exchangeUdp(host, address.port, query, id, 2000);
          later(2000, () => {
            disabled = true;
          });
        } catch {
          seen = 0;
          later(1000, () => void probe());
        }
      };
      void probe();
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
    wrap: (next) => async (q) => {
      const { name, type } = questionOf(q);
      if (type !== 'HINFO' || disabled) return next(q);
      const lname = lowerFq(name);
      if (!isSubdomain(lname, zone)) return next(q);
      if (lname === qname) seen++;
      if (seen > 2) {
        disabled = true;
        env.fatal(
          `plugin/loop: Loop (${q.remote.address}:${q.remote.port} -> ${listen}) detected for zone "${zone}", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${qname}"`,
        );
      }
      return next(q);
    },
  };
}
