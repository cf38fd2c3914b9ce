// The lab's "outside world": a small DNS server in the fabric namespace, on the
// fabric's address (172.18.0.1), playing the part of Docker's embedded DNS on a
// kind network. The lab's supervisor, which runs in that namespace, serves it. CoreDNS pods have `dnsPolicy: Default`, so their resolv.conf
// names this address and `forward . /etc/resolv.conf` lands here. It answers a
// fixed, documented zone from memory and NXDOMAIN for everything else; it has no
// upstream of its own, so no query ever leaves the lab or reaches the host's
// resolvers.
//
// The zone (every address is on the lab's node network, so a probe to one of
// them stays inside the lab):
//
//   example.com.       A      172.18.0.1   the lab's gateway: nothing listens on it,
//   example.net.       A      172.18.0.1   so a TCP probe is refused (RST), while
//   example.org.       A      172.18.0.1   the name resolves like a real site's
//   www.example.com.   CNAME  example.com.
//   example.com.       TXT    "netbreak lab upstream: this answer never left the lab"
//   <node>.            A      <node IP>    e.g. control-plane. 172.18.0.2, worker.
//                                          172.18.0.3, as Docker's DNS answers a
//                                          kind node container's name
//   <node IP> reversed PTR    <node>.      e.g. 2.0.18.172.in-addr.arpa.
//
// Each of example.com/net/org has an SOA and an NS record at its apex. Anything
// else is NXDOMAIN with the root zone's SOA (so `cluster.local` names that reach
// it, e.g. through a Corefile whose kubernetes zone has a typo, are NXDOMAIN, as
// Docker's DNS and every public resolver answer them). Replies carry RA (it is the
// recursive resolver of the node network) and not AA. Each query is logged in
// CoreDNS's common log format to upstream-dns.log in the lab's state folder.
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { COMMON_LOG_FORMAT } from '../../k8s/dns/corefile.js';
import { formatLogLine } from './dns/plugins/log.js';
import { FrameReader, frame } from './dns/tcp-framing.js';
import {
  decode,
  finalizeReply,
  FLAG,
  fq,
  isSubdomain,
  lowerFq,
  opcodeOf,
  replyTo,
  setRcode,
  type Answer,
  type DecodedPacket,
  type Packet,
} from './dns/wire.js';
import { labFiles } from './names.js';

const TTL = 60;

export interface UpstreamZone {
  records: Answer[];
  /** Zone apexes with their SOA record, longest first; the root is always last. */
  soas: Answer[];
}

const soa = (zone: string, mname: string, rname: string, minimum: number): Answer => ({
  type: 'SOA',
  name: zone,
  ttl: TTL,
  class: 'IN',
  data: { mname, rname, serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum },
});

function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** The zone for a lab: the fixed example names plus one name per node. */
export function upstreamZone(gateway: string, nodes: { name: string; ip: string }[]): UpstreamZone {
  const records: Answer[] = [];
  const soas: Answer[] = [];
  for (const domain of ['example.com.', 'example.net.', 'example.org.']) {
    records.push({ type: 'A', name: domain, ttl: TTL, class: 'IN', data: gateway });
    records.push({ type: 'NS', name: domain, ttl: TTL, class: 'IN', data: `ns.${domain}` });
    soas.push(soa(domain, `ns.${domain}`, `hostmaster.${domain}`, TTL));
  }
  records.push({ type: 'CNAME', name: 'www.example.com.', ttl: TTL, class: 'IN', data: 'example.com.' });
  records.push({ type: 'TXT', name: 'example.com.', ttl: TTL, class: 'IN', data: ['netbreak lab upstream: this answer never left the lab'] });
  for (const node of nodes) {
    records.push({ type: 'A', name: lowerFq(node.name), ttl: TTL, class: 'IN', data: node.ip });
    records.push({ type: 'PTR', name: reverseName(node.ip), ttl: TTL, class: 'IN', data: lowerFq(node.name) });
  }
  soas.push(soa('.', 'a.root-servers.net.', 'nstld.verisign-grs.com.', 86400));
  return { records, soas };
}

/** The reply to one query, as a recursive resolver that knows only `zone` would give it. */
export function answerUpstream(zone: UpstreamZone, req: DecodedPacket): Packet {
  if (opcodeOf(req) !== 0) return withRa(replyTo(req, 'NOTIMP'));
  const question = req.questions?.length === 1 ? req.questions[0]! : undefined;
  if (!question) return withRa(replyTo(req, 'FORMERR'));
  const reply = withRa(replyTo(req));
  const answers: Answer[] = [];
  let name = lowerFq(question.name);
  // Follow CNAMEs inside the zone, as a recursive resolver returns the whole chain.
  for (let depth = 0; depth < 8; depth++) {
    const owned = zone.records.filter((r) => lowerFq(r.name) === name);
    const cname = owned.find((r) => r.type === 'CNAME');
    if (cname?.type === 'CNAME' && question.type !== 'CNAME') {
      answers.push({ ...cname, name: depth === 0 ? fq(question.name) : cname.name });
      name = lowerFq(cname.data);
      continue;
    }
    const exists = owned.length > 0 || zone.soas.some((s) => s.name === name);
    if (!exists && answers.length === 0) {
      setRcode(reply, 'NXDOMAIN');
      reply.authorities = [soaFor(zone, name)];
      return reply;
    }
    const matching = [...owned, ...zone.soas.filter((s) => s.name === name)].filter((r) => (question.type as string) === 'ANY' || r.type === question.type);
    answers.push(...matching.map((r) => ({ ...r, name: depth === 0 ? fq(question.name) : r.name })));
    if (!matching.length) reply.authorities = [soaFor(zone, name)];
    break;
  }
  reply.answers = answers;
  return reply;
}

function withRa(p: Packet): Packet {
  p.flags = (p.flags ?? 0) | FLAG.RA;
  return p;
}

function soaFor(zone: UpstreamZone, name: string): Answer {
  return zone.soas.find((s) => isSubdomain(name, s.name))!;
}

export interface UpstreamServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `zone` on UDP and TCP at host:port (0 picks a free port); `log` gets one line per query. */
export function serveUpstream(zone: UpstreamZone, host: string, port: number, log: (line: string) => void = () => {}): Promise<UpstreamServer> {
  const handle = (buf: Buffer, proto: 'udp' | 'tcp', remote: { address: string; port: number }): Buffer | undefined => {
    let req: DecodedPacket;
    try {
      req = decode(buf);
    } catch {
      return undefined;
    }
    if (req.type !== 'query') return undefined;
    const started = process.hrtime.bigint();
    const reply = answerUpstream(zone, req);
    log(`[INFO] ${formatLogLine(COMMON_LOG_FORMAT, { req, original: req, proto, remote, size: buf.length }, reply, process.hrtime.bigint() - started)}`);
    return finalizeReply(req, reply, proto);
  };
  return new Promise((resolve, reject) => {
    const udp = dgram.createSocket('udp4');
    const tcp = net.createServer((socket) => {
      const frames = new FrameReader();
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk) => {
        for (const msg of frames.push(chunk)) {
          const out = handle(msg, 'tcp', { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
          if (out) socket.write(frame(out));
        }
      });
    });
    udp.on('message', (msg, rinfo) => {
      const out = handle(msg, 'udp', { address: rinfo.address, port: rinfo.port });
      // An answer to an address the node network has no route to (a pod's own address, when a node
      // stopped masquerading) is lost on the way, as on a real network: never an error of the server's.
      if (out) udp.send(out, rinfo.port, rinfo.address, () => {});
    });
    udp.once('error', reject);
    tcp.once('error', reject);
    udp.bind(port, host, () => {
      const actual = udp.address().port;
      tcp.listen(actual, host, () =>
        resolve({
          port: actual,
          close: () =>
            new Promise<void>((r) => {
              udp.close();
              tcp.close(() => r());
            }),
        }),
      );
    });
  });
}

/** Where the lab's supervisor, which runs this server, logs its queries. */
export const upstreamLogFile = (lab: string): string => path.join(labFiles(lab).dir, 'upstream-dns.log');
