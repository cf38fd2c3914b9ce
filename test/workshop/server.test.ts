// The workshop server over real HTTP on 127.0.0.1: joins, signed reports, every
// kind of bad or replayed submission (each a 4xx with one sentence, and the
// server still answering afterwards), the trainer's exports and "end", the SSE
// stream, and a restart from the saved room.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { createRoom, type Room } from '../../src/workshop/room.js';
import { loadRoom } from '../../src/workshop/room-file.js';
import { startWorkshopServer, MAX_BODY_BYTES, type WorkshopServer } from '../../src/workshop/server.js';
import { newNonce, signRequest, SIGNATURE_HEADER } from '../../src/workshop/signing.js';
import { adminToken } from '../../src/workshop/tokens.js';
import type { SessionSummary } from '../../src/workshop/session-summary.js';
import { newSession } from './session-fixture.js';

/** What the server answers, read as loosely as a client would. */
type Json = any;
const read = async (r: Response): Promise<Json> => r.json();

const servers: WorkshopServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(room: Room = newRoom(), file?: string) {
  const server = await startWorkshopServer({ room, file, host: '127.0.0.1', port: 0 });
  servers.push(server);
  return { room, server, base: `http://127.0.0.1:${server.port}` };
}

function newRoom(): Room {
  return createRoom({ title: 'Test room', scenarios: [{ id: 'friday-merge', title: 'Zero trust, step one' }] });
}

interface Member {
  id: string;
  token: string;
  seeds: Record<string, number>;
}

async function join(base: string, room: Room, name: string): Promise<Member> {
  const r = await fetch(`${base}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: room.joinCode, name }),
  });
  expect(r.status).toBe(201);
  const body = await read(r);
  return { id: body.attendee.id, token: body.token, seeds: body.seeds };
}

function session(over: Partial<SessionSummary> = {}): SessionSummary {
  return newSession({ seed: 42, ...over });
}

/** A report as netbreak's client builds it, with every part overridable to forge it. */
function report(member: Member, over: { attendee?: string; nonce?: string; ts?: number; event?: unknown; token?: string } = {}) {
  const body = JSON.stringify({
    v: 1,
    attendee: over.attendee ?? member.id,
    nonce: over.nonce ?? newNonce(),
    ts: over.ts ?? Date.now(),
    event: over.event ?? { type: 'started', session: session() },
  });
  return { body, signature: signRequest(over.token ?? member.token, 'POST', '/api/events', body) };
}

async function post(base: string, r: { body: string; signature?: string }, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(r.signature ? { [SIGNATURE_HEADER]: r.signature } : {}), ...headers },
    body: r.body,
  });
  return { status: res.status, body: await read(res) };
}

async function board(base: string): Promise<Json> {
  return read(await fetch(`${base}/api/board`));
}

describe('the workshop server', () => {
  it('accepts a signed report and shows it on the board', async () => {
    const { room, base } = await serve();
    const alice = await join(base, room, 'alice');
    expect(alice.seeds['friday-merge']).toBeGreaterThan(0);
    expect(await post(base, report(alice))).toEqual({ status: 200, body: { ok: true } });
    const b = await board(base);
    expect(b.rows).toHaveLength(1);
    expect(b.rows[0]).toMatchObject({ name: 'alice', cells: { 'friday-merge': { sessionId: 'abcdef0123', seed: 42 } } });
    expect(JSON.stringify(b)).not.toContain(room.secret);
    expect(JSON.stringify(b)).not.toContain(alice.id);
  });

  it('refuses bad, forged and replayed reports with one sentence each, and keeps serving', async () => {
    const { room, base } = await serve();
    const alice = await join(base, room, 'alice');
    const bob = await join(base, room, 'bob');
    const cases: [string, Promise<{ status: number; body: { error: string } }>, number, RegExp][] = [];
    const add = (name: string, p: Promise<{ status: number; body: { error: string } }>, status: number, error: RegExp) => cases.push([name, p, status, error]);

    add(
      'bob signs a report naming alice with his own token',
      post(base, report(alice, { token: bob.token })),
      401,
      /signature does not match attendee alice's token/,
    );
    add('no signature', post(base, { body: report(alice).body }), 401, /signature does not match/);
    add('an attendee the room never had', post(base, report({ ...alice, id: 'nobody' })), 401, /no such attendee.*workshop join/);
    // 601 s when the request takes over half a second to arrive, as on a busy machine.
    add('a timestamp ten minutes old', post(base, report(alice, { ts: Date.now() - 10 * 60_000 })), 400, /timestamp is 60[01] s away/);
    add('not JSON', post(base, { body: '{"v":1,' }), 400, /not valid JSON/);
    add('JSON, but not a report', post(base, { body: '[1,2,3]' }), 400, /malformed \(body: /);
    add('a nonce that is not hex', post(base, report(alice, { nonce: 'zz' })), 400, /nonce: must be 32 hex digits/);
    add('an event of an unknown type', post(base, report(alice, { event: { type: 'won', session: session() } })), 400, /event\.type/);
    add(
      'a score above 100',
      post(base, report(alice, { event: { type: 'diagnosed', session: session({ diagnosis: { total: 1000, points: 100, at: new Date().toISOString() } }) } })),
      400,
      /event\.session\.diagnosis\.total/,
    );
    add(
      'a spreadsheet formula as the backend',
      post(base, report(alice, { event: { type: 'started', session: session({ backend: '=HYPERLINK("x")' }) } })),
      400,
      /event\.session\.backend: must be a backend name/,
    );
    add(
      'a scenario the room does not play',
      post(base, report(alice, { event: { type: 'started', session: session({ scenario: 'fridays-two-changes' }) } })),
      422,
      /fridays-two-changes is not part of this workshop/,
    );
    add('form data instead of JSON', post(base, report(alice), { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/);
    for (const [name, promise, status, error] of cases) {
      const r = await promise;
      expect(r.status, name).toBe(status);
      expect(r.body.error, name).toMatch(error);
      expect(Object.keys(r.body), name).toEqual(['error']);
    }

    // The same bytes twice: the second is a replay.
    const once = report(alice);
    expect((await post(base, once)).status).toBe(200);
    const replay = await post(base, once);
    expect(replay).toEqual({ status: 409, body: { error: expect.stringMatching(/already received.*replayed/) } });

    // None of it reached the board but the one genuine report, and the server still answers.
    const b = await board(base);
    expect(b.rows.find((r: { name: string }) => r.name === 'alice').cells['friday-merge']).not.toBeNull();
    expect(b.rows.find((r: { name: string }) => r.name === 'bob').cells['friday-merge']).toBeNull();
  });

  it('refuses an oversize body whether or not it declares its length', async () => {
    const { base, server } = await serve();
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    const declared = await post(base, { body: big });
    expect(declared).toEqual({ status: 413, body: { error: expect.stringMatching(/limit is 16384/) } });
    // Chunked, with no Content-Length: refused while it streams.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/events',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 3; i++) req.write('y'.repeat(MAX_BODY_BYTES / 2));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error).toMatch(/larger than 16384 bytes/);
    expect((await fetch(`${base}/api/board`)).status).toBe(200);
  });

  it('answers garbage that is not HTTP with a 400 and stays up', async () => {
    const { base, server } = await serve();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('HELLO THERE\r\n\r\n'));
      let data = '';
      socket.on('data', (c) => (data += c));
      socket.on('close', () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('refuses bad joins, wrong methods and unknown paths', async () => {
    const { room, base } = await serve();
    const joinWith = (body: string, type = 'application/json') => fetch(`${base}/api/join`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await joinWith(JSON.stringify({ code: 'AAAA-AAAA', name: 'eve' }))).status).toBe(403);
    expect((await joinWith(JSON.stringify({ code: room.joinCode }))).status).toBe(400);
    expect((await joinWith(JSON.stringify({ code: room.joinCode, name: 'x'.repeat(30) }))).status).toBe(400);
    expect((await joinWith('name=eve', 'text/plain')).status).toBe(415);
    const wrongMethod = await fetch(`${base}/api/events`);
    expect(wrongMethod.status).toBe(405);
    expect((await read(wrongMethod)).error).toMatch(/takes POST, not GET/);
    const missing = await fetch(`${base}/wp-admin`);
    expect(missing.status).toBe(404);
    expect((await read(missing)).error).toMatch(/no \/wp-admin here/);
    const joinPage = await fetch(`${base}/join/${room.joinCode}`);
    expect(joinPage.status).toBe(200);
    expect(await joinPage.text()).toContain(`netbreak workshop join ${base}/join/${room.joinCode} --name YOUR-NAME`);
    expect((await fetch(`${base}/join/WRONG-CODE`)).status).toBe(404);
    expect((await fetch(`${base}/join/%E0%A4%A`)).status).toBe(404);
  });

  it('gives the exports and "end" only to the admin token; after the end, reports are refused', async () => {
    const { room, base } = await serve();
    const alice = await join(base, room, 'alice');
    await post(
      base,
      report(alice, { event: { type: 'diagnosed', session: session({ hintsUsed: 1, diagnosis: { total: 90, points: 100, at: new Date().toISOString() } }) } }),
    );
    const admin = { authorization: `Bearer ${adminToken(room.secret)}` };
    expect((await fetch(`${base}/api/export.csv`)).status).toBe(401);
    expect((await fetch(`${base}/api/export.csv`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(401);
    const csv = await fetch(`${base}/api/export.csv`, { headers: admin });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')[1]).toMatch(/^1,alice,friday-merge,\d+,42,netns,.*,90,,1,0,false,false,,,,1$/);
    const json = await read(await fetch(`${base}/api/export.json`, { headers: admin }));
    expect(json.rows[0]).toMatchObject({ attendee: 'alice', diagnosis_score: 90 });
    expect(json.events.map((e: { type: string }) => e.type)).toEqual(['diagnosed']);

    expect((await fetch(`${base}/api/end`, { method: 'POST' })).status).toBe(401);
    const end = await fetch(`${base}/api/end`, { method: 'POST', headers: admin });
    expect(end.status).toBe(200);
    expect((await board(base)).room.open).toBe(false);
    const late = await post(base, report(alice));
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/ended at .*no longer accepted/);
    const lateJoin = await fetch(`${base}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: room.joinCode, name: 'late' }),
    });
    expect(lateJoin.status).toBe(409);
  });

  it('streams the board to every viewer on each change (Server-Sent Events)', async () => {
    const { room, base } = await serve();
    const controller = new AbortController();
    const res = await fetch(`${base}/api/stream`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextBoard = async () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').find((l) => l.startsWith('data: '));
          if (data) return JSON.parse(data.slice(6));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    expect((await nextBoard()).rows).toEqual([]);
    const alice = await join(base, room, 'alice');
    expect((await nextBoard()).rows.map((r: { name: string }) => r.name)).toEqual(['alice']);
    await post(base, report(alice));
    expect((await nextBoard()).rows[0].cells['friday-merge'].sessionId).toBe('abcdef0123');
    controller.abort();
  });

  it('saves the room after every change; a restarted server keeps attendees, their keys and the replay memory', async () => {
    const file = path.join(tempDir('nb-ws-'), 'room.json');
    const first = await serve(newRoom(), file);
    const alice = await join(first.base, first.room, 'alice');
    const once = report(alice);
    expect((await post(first.base, once)).status).toBe(200);
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);

    const saved = loadRoom(file)!;
    expect(saved.attendees.map((a) => a.name)).toEqual(['alice']);
    const second = await serve(saved, file);
    expect((await post(second.base, once)).status).toBe(409);
    expect((await post(second.base, report(alice, { event: { type: 'hint', session: session({ hintsUsed: 1 }) } }))).status).toBe(200);
    expect((await board(second.base)).rows[0].cells['friday-merge'].hints).toBe(1);
  });
});
