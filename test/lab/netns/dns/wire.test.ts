import { describe, expect, it } from 'vitest';
import { decode, FLAG, finalizeReply, flagString, matchZone, replyTo, type Answer, type Packet } from '../../../../src/lab/netns/dns/wire.js';

describe('finalizeReply', () => {
  const req: Packet = { type: 'query', id: 99, flags: FLAG.RD, questions: [{ name: 'big.shop.svc.cluster.local', type: 'A', class: 'IN' }] };
  const reply = replyTo(req);
  reply.flags = (reply.flags ?? 0) | FLAG.AA;
  reply.answers = Array.from(
    { length: 60 },
    (_, i) => ({ type: 'A', name: 'big.shop.svc.cluster.local', ttl: 30, class: 'IN', data: `10.244.0.${i + 1}` }) as Answer,
  );

  it('cuts a UDP reply down to 512 bytes and marks it truncated', () => {
    const out = finalizeReply(req, reply, 'udp');
    expect(out.length).toBeLessThanOrEqual(512);
    const p = decode(out);
    expect(p.flag_tc).toBe(true);
    expect(p.id).toBe(99);
    expect(p.answers!.length).toBeLessThan(60);
  });

  it('sends the whole reply over TCP', () => {
    const p = decode(finalizeReply(req, reply, 'tcp'));
    expect(p.flag_tc).toBe(false);
    expect(p.answers).toHaveLength(60);
    expect(flagString(p)).toBe('qr,aa,rd');
  });

  it('honours the EDNS buffer size of the request', () => {
    const edns: Packet = {
      ...req,
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    };
    // dns-packet does not compress names: 25 A records take about 1.1 kB.
    const p = decode(finalizeReply(edns, { ...reply, answers: reply.answers!.slice(0, 25) }, 'udp'));
    expect(p.flag_tc).toBe(false);
    expect(p.answers).toHaveLength(25);
    expect(p.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 1232 });
  });
});

describe('matchZone', () => {
  it('picks the longest zone', () => {
    expect(matchZone(['.', 'cluster.local.', 'in-addr.arpa.'], 'api.shop.svc.cluster.local.')).toBe('cluster.local.');
    expect(matchZone(['.', 'cluster.local.'], 'example.com.')).toBe('.');
    expect(matchZone(['cluster.local.'], 'local.')).toBeUndefined();
    expect(matchZone(['cluster.local.'], 'xcluster.local.')).toBeUndefined();
  });
});
