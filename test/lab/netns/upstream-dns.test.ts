// The lab's upstream resolver: its zone, its answers, and that it serves them over
// UDP and TCP. Everything here stays on 127.0.0.1; the root-only lab test
// (dns-lab.e2e.test.ts) checks it in the fabric namespace behind CoreDNS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerUpstream, serveUpstream, upstreamZone, type UpstreamServer } from '../../../src/lab/netns/upstream-dns.js';
import { exchangeTcp, exchangeUdp } from '../../../src/lab/netns/dns/transport.js';
import { answerData, decode, encode, FLAG, hasFlag, rcodeOf, type DecodedPacket } from '../../../src/lab/netns/dns/wire.js';

const zone = upstreamZone('172.18.0.1', [
  { name: 'control-plane', ip: '172.18.0.2' },
  { name: 'worker', ip: '172.18.0.3' },
]);

function ask(name: string, type = 'A', flags = FLAG.RD): DecodedPacket {
  const req = decode(encode({ type: 'query', id: 7, flags, questions: [{ name, type: type as 'A', class: 'IN' }] }));
  return decode(encode(answerUpstream(zone, req)));
}

const lines = (p: DecodedPacket, section: 'answers' | 'authorities' = 'answers') => (p[section] ?? []).map((a) => `${a.name} ${a.type} ${answerData(a)}`);

describe('upstreamZone / answerUpstream', () => {
  it.each([
    ['example.com', 'A', ['example.com A 172.18.0.1']],
    ['EXAMPLE.net.', 'A', ['EXAMPLE.net A 172.18.0.1']],
    ['example.org', 'A', ['example.org A 172.18.0.1']],
    ['www.example.com', 'A', ['www.example.com CNAME example.com.', 'example.com A 172.18.0.1']],
    ['www.example.com', 'CNAME', ['www.example.com CNAME example.com.']],
    ['example.com', 'TXT', ['example.com TXT "netbreak lab upstream: this answer never left the lab"']],
    ['worker', 'A', ['worker A 172.18.0.3']],
    ['2.0.18.172.in-addr.arpa', 'PTR', ['2.0.18.172.in-addr.arpa PTR control-plane.']],
  ])('%s %s answers from the zone', (name, type, want) => {
    const reply = ask(name, type);
    expect(rcodeOf(reply)).toBe('NOERROR');
    expect(lines(reply)).toEqual(want);
  });

  it('answers as a recursive resolver: RA set, RD and the id copied, not authoritative', () => {
    const reply = ask('example.com');
    expect(reply.id).toBe(7);
    expect(hasFlag(reply, FLAG.RA)).toBe(true);
    expect(hasFlag(reply, FLAG.RD)).toBe(true);
    expect(hasFlag(reply, FLAG.AA)).toBe(false);
  });

  it('says NODATA with the zone SOA for a type a name does not have', () => {
    const reply = ask('example.com', 'AAAA');
    expect(rcodeOf(reply)).toBe('NOERROR');
    expect(reply.answers).toEqual([]);
    expect(lines(reply, 'authorities')).toEqual(['example.com SOA ns.example.com. hostmaster.example.com. 2024010101']);
  });

  it.each([
    ['nosuch.example.com', 'example.com SOA ns.example.com. hostmaster.example.com. 2024010101'],
    ['api.shop.svc.cluster.local', '. SOA a.root-servers.net. nstld.verisign-grs.com. 2024010101'],
    ['kubernetes.io', '. SOA a.root-servers.net. nstld.verisign-grs.com. 2024010101'],
    ['10.0.96.10.in-addr.arpa', '. SOA a.root-servers.net. nstld.verisign-grs.com. 2024010101'],
  ])('%s is NXDOMAIN with the closest SOA', (name, soa) => {
    const reply = ask(name);
    expect(rcodeOf(reply)).toBe('NXDOMAIN');
    expect(lines(reply, 'authorities')).toEqual([soa]);
  });

  it('answers CoreDNS loop probe (a random HINFO name) with NXDOMAIN, so loop never fires', () => {
    expect(rcodeOf(ask('4857310293847561.7718273645564738.', 'HINFO'))).toBe('NXDOMAIN');
  });

  it('refuses other opcodes with NOTIMP', () => {
    expect(rcodeOf(ask('example.com', 'A', FLAG.RD | (2 << 11)))).toBe('NOTIMP');
  });
});

describe('serveUpstream', () => {
  let server: UpstreamServer;
  const log: string[] = [];
  beforeAll(async () => {
    server = await serveUpstream(zone, '127.0.0.1', 0, (l) => log.push(l));
  });
  afterAll(() => server.close());

  it('answers over UDP and TCP and logs each query in CoreDNS common log format', async () => {
    const wire = (id: number) => encode({ type: 'query', id, flags: FLAG.RD, questions: [{ name: 'www.example.com', type: 'A', class: 'IN' }] });
    const udp = await exchangeUdp('127.0.0.1', server.port, wire(11), 11, 2000);
    const tcp = await exchangeTcp('127.0.0.1', server.port, wire(12), 12, 2000);
    for (const reply of [udp, tcp]) expect(lines(reply)).toEqual(['www.example.com CNAME example.com.', 'example.com A 172.18.0.1']);
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^\[INFO\] 127\.0\.0\.1:\d+ - 11 "A IN www\.example\.com\. udp \d+ false 512" NOERROR qr,rd,ra \d+ [\d.]+s$/);
    expect(log[1]).toMatch(/ - 12 "A IN www\.example\.com\. tcp /);
  });
});
