// Small helpers over dns-packet messages, shared by the server, its plugins and
// the stub resolver. All wire encoding and decoding goes through dns-packet.
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet, Question } from 'dns-packet';

export type { Answer, DecodedPacket, OptAnswer, Packet, Question };

export const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

export const FLAG = {
  AA: 1 << 10,
  TC: 1 << 9,
  RD: 1 << 8,
  RA: 1 << 7,
  Z: 1 << 6,
  AD: 1 << 5,
  CD: 1 << 4,
} as const;
const OPCODE_MASK = 0xf << 11;

export function encode(p: Packet): Buffer {
  return dnsPacket.encode(p);
}

export function decode(buf: Buffer): DecodedPacket {
  return dnsPacket.decode(buf);
}

export function rcodeNumber(name: string): number {
  const i = RCODE_NAMES.indexOf(name.toUpperCase());
  return Math.max(i, 0);
}

export function rcodeOf(p: Packet): string {
  const n = (p.flags ?? 0) & 0xf;
  return RCODE_NAMES[n] ?? `RCODE${n}`;
}

export function setRcode(p: Packet, rcode: string): Packet {
  p.flags = ((p.flags ?? 0) & ~0xf) | rcodeNumber(rcode);
  return p;
}

export function hasFlag(p: Packet, flag: number): boolean {
  return ((p.flags ?? 0) & flag) !== 0;
}

export function opcodeOf(p: Packet): number {
  return ((p.flags ?? 0) & OPCODE_MASK) >> 11;
}

/** A response to `req` (as miekg/dns SetReply): same id and question, RD/CD/opcode copied. */
export function replyTo(req: Packet, rcode = 'NOERROR'): Packet {
  const flags = (req.flags ?? 0) & (OPCODE_MASK | FLAG.RD | FLAG.CD);
  return setRcode(
    {
      type: 'response',
      id: req.id ?? 0,
      flags,
      questions: (req.questions ?? []).map((q) => ({ ...q })),
      answers: [],
      authorities: [],
      additionals: [],
    },
    rcode,
  );
}

/** Fully qualified, as written (case kept): `a.b` → `a.b.`. */
export function fq(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name : `${name}.`;
}

/** Fully qualified and lower case, for comparisons. */
export function lowerFq(name: string): string {
  return fq(name).toLowerCase();
}

/** Whether `name` is `zone` or below it (both fully qualified, lower case). */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  return name === zone || name.endsWith(`.${zone}`);
}

/** The longest of `zones` that contains `name`, as CoreDNS's plugin.Zones.Matches. */
export function matchZone(zones: readonly string[], name: string): string | undefined {
  let best: string | undefined;
  for (const z of zones) {
    if (isSubdomain(name, z) && (best === undefined || z.length > best.length || best === '.')) best = z;
  }
  return best;
}

export function ednsOf(p: Packet): OptAnswer | undefined {
  return (p.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
}

/** The largest UDP response the client accepts: its EDNS buffer size, else 512. */
export function udpSizeOf(req: Packet): number {
  const opt = ednsOf(req);
  return opt ? Math.max(512, Math.min(opt.udpPayloadSize, 4096)) : 512;
}

/** The DO bit of the request's EDNS record. */
export function doBit(req: Packet): boolean {
  return ednsOf(req)?.flag_do ?? false;
}

/** `qr,aa,rd,ra` as CoreDNS's log plugin prints response flags. */
export function flagString(p: Packet): string {
  const out: string[] = [];
  if (p.type === 'response') out.push('qr');
  if (hasFlag(p, FLAG.AA)) out.push('aa');
  if (hasFlag(p, FLAG.TC)) out.push('tc');
  if (hasFlag(p, FLAG.RD)) out.push('rd');
  if (hasFlag(p, FLAG.RA)) out.push('ra');
  if (hasFlag(p, FLAG.Z)) out.push('z');
  if (hasFlag(p, FLAG.AD)) out.push('ad');
  if (hasFlag(p, FLAG.CD)) out.push('cd');
  return out.join(',');
}

/**
 * The bytes to send for `reply` to `req`: id and question are the client's, the
 * EDNS record mirrors the request's, and a UDP reply too large for the client is
 * cut down and marked truncated (as CoreDNS's Scrub), so the client retries over TCP.
 */
export function finalizeReply(req: Packet, reply: Packet, proto: 'udp' | 'tcp'): Buffer {
  const out: Packet = {
    ...reply,
    type: 'response',
    id: req.id ?? 0,
    questions: (req.questions ?? []).map((q) => ({ ...q })),
    answers: [...(reply.answers ?? [])],
    authorities: [...(reply.authorities ?? [])],
    additionals: (reply.additionals ?? []).filter((a) => a.type !== 'OPT'),
  };
  const reqOpt = ednsOf(req);
  if (reqOpt) {
    out.additionals!.push({
      type: 'OPT',
      name: '.',
      udpPayloadSize: udpSizeOf(req),
      extendedRcode: 0,
      ednsVersion: 0,
      flags: reqOpt.flag_do ? 1 << 15 : 0,
      flag_do: reqOpt.flag_do,
      options: [],
    });
  }
  let buf = encode(out);
  if (proto === 'tcp') return buf;
  const size = udpSizeOf(req);
  if (buf.length <= size) return buf;
  const opt = out.additionals!.filter((a) => a.type === 'OPT');
  out.additionals = opt;
  buf = encode(out);
  while (buf.length > size && (out.answers!.length || out.authorities!.length)) {
    if (out.authorities!.length) out.authorities!.pop();
    else out.answers!.pop();
    out.flags = (out.flags ?? 0) | FLAG.TC;
    buf = encode(out);
  }
  return buf;
}

/** A record's data as a short string (`10.96.0.10`, `api.shop.svc.cluster.local.`), for logs and probe reports. */
export function answerData(a: Answer): string {
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return a.data;
    case 'CNAME':
    case 'PTR':
    case 'NS':
    case 'DNAME':
      return fq(a.data);
    case 'SRV':
      return `${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${fq(a.data.target)}`;
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return parts.map((p) => JSON.stringify(p.toString())).join(' ');
    }
    case 'MX':
      return `${a.data.preference ?? 0} ${fq(a.data.exchange)}`;
    case 'SOA':
      return `${fq(a.data.mname)} ${fq(a.data.rname)} ${a.data.serial ?? 0}`;
    default:
      return '';
  }
}

/** A record's TTL (undefined for the EDNS pseudo-record). */
export function ttlOf(a: Answer | undefined): number | undefined {
  return a && a.type !== 'OPT' ? a.ttl : undefined;
}
