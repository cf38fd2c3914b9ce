// Shared helpers for the DNS server and resolver tests: everything stays on 127.0.0.1.
import dgram from 'node:dgram';
import fs from 'node:fs';
import type { StoreSnapshot } from '../../../../src/lab/netns/store-snapshot.js';
import type { DnsLog } from '../../../../src/lab/netns/dns/server.js';
import { exchangeTcp, exchangeUdp } from '../../../../src/lab/netns/dns/transport.js';
import { answerData, decode, encode, FLAG, replyTo, setRcode, type Answer, type DecodedPacket } from '../../../../src/lab/netns/dns/wire.js';
import { tempDir as removedAfterFile } from '../../../helpers/temp-dir.js';

export function tempDir(): string {
  return removedAfterFile('netbreak-dns-');
}

/** Replaces the store file as the lab supervisor does (write, then rename). */
export function writeStore(file: string, snapshot: StoreSnapshot): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
  fs.renameSync(`${file}.tmp`, file);
}

export function captureLog(): DnsLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (l) => lines.push(`[INFO] ${l}`),
    error: (l) => lines.push(`[ERROR] ${l}`),
    raw: (l) => lines.push(l),
  };
}

let nextId = 1;

export async function ask(port: number, name: string, type = 'A', proto: 'udp' | 'tcp' = 'udp', timeoutMs = 3000): Promise<DecodedPacket> {
  const id = nextId++ & 0xffff;
  const wire = encode({ type: 'query', id, flags: FLAG.RD, questions: [{ name, type: type as 'A', class: 'IN' }] });
  return proto === 'udp' ? exchangeUdp('127.0.0.1', port, wire, id, timeoutMs) : exchangeTcp('127.0.0.1', port, wire, id, timeoutMs);
}

export const records = (p: DecodedPacket, section: 'answers' | 'additionals' | 'authorities' = 'answers'): string[] =>
  (p[section] ?? []).filter((a) => a.type !== 'OPT').map((a) => `${a.type} ${answerData(a)}`);

/** A tiny upstream DNS server on 127.0.0.1 answering from a fixed table (NXDOMAIN otherwise). */
export async function startUpstream(table: Record<string, Answer[]>): Promise<{ port: number; queries: string[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const req = decode(msg);
    const q = req.questions![0]!;
    queries.push(`${q.name} ${q.type}`);
    const key = `${q.name.toLowerCase().replace(/\.$/, '')} ${q.type}`;
    const reply = replyTo(req);
    reply.flags = (reply.flags ?? 0) | FLAG.RA;
    const answers = table[key];
    if (answers) reply.answers = answers;
    else setRcode(reply, 'NXDOMAIN');
    socket.send(encode(reply), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

/** A UDP socket on 127.0.0.1 that reads queries and never answers. */
export async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', () => {});
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** A 127.0.0.1 UDP port with nothing listening (bound, then released). */
export async function deadPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const port = socket.address().port;
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 3000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
