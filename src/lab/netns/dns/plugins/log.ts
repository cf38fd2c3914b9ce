// log: one line per query in CoreDNS's log format, so a learner reading the
// coredns pod's log sees the lines they know from real clusters:
// [INFO] 10.244.1.3:51234 - 1234 "A IN api.shop.svc.cluster.local. udp 60 false 512" NOERROR qr,aa,rd 106 0.000123s
import type { LogClass, LogConfig } from '../../../../k8s/dns/corefile.js';
import { doBit, ednsOf, finalizeReply, flagString, fq, isSubdomain, lowerFq, opcodeOf, rcodeOf, type Packet } from '../wire.js';
import { questionOf, type PluginEnv, type PluginInstance, type Query } from './types.js';

const OPCODES = ['QUERY', 'IQUERY', 'STATUS', 'OPCODE3', 'NOTIFY', 'UPDATE'];

function classOf(msg: Packet): LogClass {
  const rcode = rcodeOf(msg);
  if (rcode === 'NOERROR') return (msg.answers ?? []).length ? 'success' : 'denial';
  if (rcode === 'NXDOMAIN') return 'denial';
  return 'error';
}

/** Go's `%v` of a duration in seconds (`0.000123s`), which CoreDNS prints. */
function seconds(ns: bigint): string {
  const text = (Number(ns) / 1e9).toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return `${text}s`;
}

export function formatLogLine(format: string, q: Query, reply: Packet, durationNs: bigint): string {
  const { name, type, class: klass } = questionOf(q);
  const remote = q.remote.address.includes(':') ? `[${q.remote.address}]` : q.remote.address;
  const values: Record<string, () => string> = {
    '{remote}': () => remote,
    '{port}': () => String(q.remote.port),
    '{>id}': () => String(q.original.id ?? 0),
    '{type}': () => type,
    '{class}': () => klass,
    '{name}': () => fq(name),
    '{proto}': () => q.proto,
    '{size}': () => String(q.size),
    '{>do}': () => String(doBit(q.original)),
    '{>bufsize}': () => String(ednsOf(q.original)?.udpPayloadSize ?? 512),
    '{rcode}': () => rcodeOf(reply),
    '{>rflags}': () => flagString(reply),
    '{rsize}': () => String(finalizeReply(q.original, reply, q.proto).length),
    '{duration}': () => seconds(durationNs),
    '{>opcode}': () => OPCODES[opcodeOf(q.original)] ?? String(opcodeOf(q.original)),
    '{local}': () => '',
  };
  return format.replace(/\{>?[a-z]+\}/g, (m) => values[m]?.() ?? m);
}

export function logPlugin(cfgs: LogConfig[], env: PluginEnv): PluginInstance {
  return {
    name: 'log',
    wrap: (next) => async (q) => {
      const started = process.hrtime.bigint();
      const reply = await next(q);
      if (q.internal) return reply;
      const name = lowerFq(questionOf(q).name);
      const took = process.hrtime.bigint() - started;
      for (const cfg of cfgs) {
        if (!cfg.names.some((z) => isSubdomain(name, z))) continue;
        const cls = classOf(reply.msg);
        if (!cfg.classes.includes('all') && !cfg.classes.includes(cls)) continue;
        env.log.info(formatLogLine(cfg.format, q, reply.msg, took));
      }
      return reply;
    },
  };
}
