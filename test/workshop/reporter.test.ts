// Reporting from the learner's side against a real server on 127.0.0.1: joining,
// the signed reports, a clock that is off, and what happens when the server is
// down, hangs or refuses (queued and retried, never slow, never fatal).
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { joinWorkshop, parseJoinUrl } from '../../src/workshop/client.js';
import { outboxFile } from '../../src/workshop/files.js';
import { readOutbox, writeMembership, type Membership } from '../../src/workshop/membership.js';
import { deliver, RETRY_AFTER_MS } from '../../src/workshop/reporter.js';
import { createRoom, endRoom, type Room } from '../../src/workshop/room.js';
import { startWorkshopServer, type WorkshopServer } from '../../src/workshop/server.js';
import type { SessionSummary, WorkshopEvent } from '../../src/workshop/session-summary.js';
import { newSession } from './session-fixture.js';

const saved = process.env.NETBREAK_DATA_DIR;
afterAll(() => {
  if (saved === undefined) delete process.env.NETBREAK_DATA_DIR;
  else process.env.NETBREAK_DATA_DIR = saved;
});
beforeEach(() => {
  process.env.NETBREAK_DATA_DIR = tempDir('nb-ws-client-');
});

const servers: WorkshopServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(room: Room, port = 0, now?: () => number) {
  const server = await startWorkshopServer({ room, host: '127.0.0.1', port, now });
  servers.push(server);
  return server;
}

function newRoom(): Room {
  return createRoom({ title: 'Room', scenarios: [{ id: 'friday-merge', title: 'A' }] });
}

function event(type: WorkshopEvent['type'], over: Partial<SessionSummary> = {}): WorkshopEvent {
  return { type, session: newSession(over) };
}

async function joined(room: Room, server: WorkshopServer): Promise<Membership> {
  const m = await joinWorkshop(`http://127.0.0.1:${server.port}`, room.joinCode, 'alice');
  writeMembership(m);
  return m;
}

const cellOf = (room: Room) => room.attendees[0]!.cells['friday-merge'];

describe('reporting to the workshop', () => {
  it('does nothing when not joined, and skips scenarios the room does not play', async () => {
    expect(await deliver(event('started'))).toEqual({ status: 'not-joined' });
    const room = newRoom();
    await joined(room, await serve(room));
    expect(await deliver(event('started', { scenario: 'fridays-two-changes' }))).toEqual({ status: 'not-in-workshop', scenario: 'fridays-two-changes' });
  });

  it('sends signed reports that the server accepts, even with a laptop clock two hours off', async () => {
    const room = newRoom();
    const skewed = () => Date.now() + 2 * 3_600_000;
    const server = await serve(room, 0, skewed);
    const m = await joined(room, server);
    expect(Math.abs(m.clockOffsetMs - 2 * 3_600_000)).toBeLessThan(5000);
    expect(fs.statSync(`${process.env.NETBREAK_DATA_DIR}/workshop.json`).mode & 0o777).toBe(0o600);
    expect(await deliver(event('started'))).toEqual({ status: 'sent', sent: 1 });
    expect(await deliver(event('hint', { hintsUsed: 1 }))).toEqual({ status: 'sent', sent: 1 });
    expect(cellOf(room)!.session.hintsUsed).toBe(1);
  });

  it('queues reports while the server is down, without waiting for it again, and sends them when it is back', async () => {
    const room = newRoom();
    const first = await serve(room);
    const port = first.port;
    await joined(room, first);
    await first.close();
    servers.splice(0);

    let t = Date.now();
    const down = await deliver(event('started'));
    expect(Date.now() - t).toBeLessThan(1500);
    expect(down).toMatchObject({ status: 'queued', pending: 1, reason: expect.stringMatching(/unreachable \(ECONNREFUSED\)/) });
    expect(readOutbox().retryAfter).toBeGreaterThan(Date.now() + RETRY_AFTER_MS - 5000);

    // A newer report of the same session replaces the waiting one (it carries the whole state).
    t = Date.now();
    const again = await deliver(event('hint', { hintsUsed: 2 }));
    expect(Date.now() - t).toBeLessThan(200);
    expect(again).toMatchObject({ status: 'queued', pending: 1, reason: expect.stringMatching(/did not answer a moment ago/) });
    expect(readOutbox().pending.map((e) => e.type)).toEqual(['hint']);

    await serve(room, port);
    expect(await deliver(undefined, 3000, true)).toEqual({ status: 'sent', sent: 1 });
    expect(cellOf(room)!.session.hintsUsed).toBe(2);
    expect(fs.existsSync(outboxFile())).toBe(false);
  });

  it('gives up on a server that accepts but never answers within the budget', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const room = newRoom();
    const server = await serve(room);
    const m = await joined(room, server);
    writeMembership({ ...m, server: `http://127.0.0.1:${port}` });
    const t = Date.now();
    const outcome = await deliver(event('started'), 800);
    expect(Date.now() - t).toBeLessThan(1500);
    expect(outcome).toMatchObject({ status: 'queued', reason: expect.stringMatching(/no answer within/) });
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('drops a report the server refuses (it would be refused again) and says why', async () => {
    const room = newRoom();
    const server = await serve(room);
    await joined(room, server);
    endRoom(room);
    const outcome = await deliver(event('started'));
    expect(outcome).toEqual({ status: 'refused', reasons: [expect.stringMatching(/ended at/)], pending: 0 });
    expect(readOutbox().pending).toEqual([]);
  });

  it('reads the server and code from the join URL, or a bare URL and --code', () => {
    expect(parseJoinUrl('http://10.0.0.5:7300/join/ABCD-EFGH')).toEqual({ server: 'http://10.0.0.5:7300', code: 'ABCD-EFGH' });
    expect(parseJoinUrl('http://10.0.0.5:7300', 'abcdefgh')).toEqual({ server: 'http://10.0.0.5:7300', code: 'abcdefgh' });
    expect(() => parseJoinUrl('10.0.0.5:7300')).toThrow(/not a URL|http:\/\//);
    expect(() => parseJoinUrl('http://10.0.0.5:7300/')).toThrow(/no join code.*--code/);
    expect(() => parseJoinUrl('ftp://10.0.0.5/join/ABCD-EFGH')).toThrow(/http:\/\//);
    expect(() => parseJoinUrl('http://10.0.0.5/join/ABC')).toThrow(/not a join code/);
  });
});
