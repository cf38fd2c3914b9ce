// cache: keeps whole responses for their TTL (positive answers up to the success
// TTL, NXDOMAIN/NODATA per the SOA up to the denial TTL, SERVFAIL for a few
// seconds), and answers repeats from memory with the TTL counted down. This is
// why a fixed Service can keep "failing" for up to 30 s with kubeadm's `cache 30`.
import type { CacheConfig } from '../../../../k8s/dns/corefile.js';
import { doBit, FLAG, hasFlag, isSubdomain, lowerFq, rcodeOf, type Answer, type Packet } from '../wire.js';
import { questionOf, type PluginInstance } from './types.js';

interface Entry {
  msg: Packet;
  storedMs: number;
  ttl: number;
}

const FAILSAFE_TTL = 5;

function minTtl(records: Answer[]): number | undefined {
  let min: number | undefined;
  for (const r of records) {
    if (r.type === 'OPT') continue;
    const t = (r as { ttl?: number }).ttl ?? 0;
    min = min === undefined ? t : Math.min(min, t);
  }
  return min;
}

/** How long CoreDNS's cache keeps `msg`, in seconds; undefined when it does not cache it. */
export function cacheTtl(cfg: CacheConfig, msg: Packet): number | undefined {
  if (hasFlag(msg, FLAG.TC)) return undefined;
  const rcode = rcodeOf(msg);
  const answers = msg.answers ?? [];
  const authorities = msg.authorities ?? [];
  const clamp = (t: number, tier: CacheConfig['success']) => Math.max(tier.minTtl, Math.min(t, tier.maxTtl));
  if (rcode === 'NOERROR' && answers.length) {
    if (cfg.disableSuccess) return undefined;
    return clamp(minTtl([...answers, ...authorities]) ?? FAILSAFE_TTL, cfg.success);
  }
  if (rcode === 'NXDOMAIN' || (rcode === 'NOERROR' && !answers.length)) {
    if (cfg.disableDenial) return undefined;
    const soa = authorities.find((a) => a.type === 'SOA');
    const ttl = soa && soa.type === 'SOA' ? Math.min(soa.ttl ?? 0, soa.data.minimum ?? 0) : FAILSAFE_TTL;
    return clamp(ttl, cfg.denial);
  }
  if (rcode === 'SERVFAIL') return cfg.servfailMs > 0 ? Math.ceil(cfg.servfailMs / 1000) : undefined;
  return undefined;
}

function withTtl(records: Answer[] | undefined, ttl: number | undefined): Answer[] {
  return (records ?? []).map((r) => (r.type === 'OPT' || ttl === undefined ? { ...r } : ({ ...r, ttl } as Answer)));
}

export function cachePlugin(cfg: CacheConfig, now: () => number = Date.now): PluginInstance {
  const entries = new Map<string, Entry>();
  const capacity = Math.max(1, cfg.success.capacity + cfg.denial.capacity);
  return {
    name: 'cache',
    wrap: (next) => async (q) => {
      const { name, type, class: klass } = questionOf(q);
      const lname = lowerFq(name);
      if (!cfg.zones.some((z) => isSubdomain(lname, z))) return next(q);
      const key = `${lname}|${type}|${klass}|${doBit(q.req)}|${hasFlag(q.req, FLAG.CD)}`;
      const hit = entries.get(key);
      const t = now();
      if (hit) {
        const left = hit.ttl - Math.floor((t - hit.storedMs) / 1000);
        if (left > 0) {
          const ttl = cfg.keepTtl ? undefined : left;
          const msg: Packet = {
            ...hit.msg,
            id: q.req.id ?? 0,
            flags: (hit.msg.flags ?? 0) | FLAG.AA,
            answers: withTtl(hit.msg.answers, ttl),
            authorities: withTtl(hit.msg.authorities, ttl),
            additionals: withTtl(hit.msg.additionals, ttl),
          };
          return { msg };
        }
        entries.delete(key);
      }
      const reply = await next(q);
      if (reply.err) return reply;
      const ttl = cacheTtl(cfg, reply.msg);
      if (ttl !== undefined && ttl > 0) {
        if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
        entries.set(key, { msg: structuredClone(reply.msg), storedMs: t, ttl });
      }
      return reply;
    },
  };
}
