// `netbreak workshop serve|join|status|leave` as the trainer and attendees run
// them (the built CLI, each person with their own data folder). No lab and no
// root needed; the learner's commands reporting from a real lab are in
// scoreboard-page.chromium.test.ts.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { serveWorkshop, type Served } from './serve-process.js';

const running: Served[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function serve(args: string[], dataDir = tempDir('nb-trainer-')) {
  const served = await serveWorkshop(args, dataDir);
  running.push(served);
  return { ...served, dataDir };
}

const as =
  (dataDir: string) =>
  (...args: string[]) =>
    netbreak(args, { NETBREAK_DATA_DIR: dataDir, NETBREAK_STATE_DIR: path.join(dataDir, 'state') });

describe('netbreak workshop', () => {
  it('join, status and leave, with a clear sentence for each mistake', async () => {
    const { info } = await serve(['--scenarios', 'friday-merge,after-the-pentest', '--port', '0', '--duration', '90m']);
    expect(info).toMatchObject({ resumed: false, scenarios: ['friday-merge', 'after-the-pentest'], attendees: 0 });
    expect(info.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#admin=[\w-]{43}$/);
    const url = info.joinUrls[0]!;
    expect(url).toBe(`http://127.0.0.1:${info.port}/join/${info.joinCode}`);

    const alice = as(tempDir('nb-alice-'));
    const joined = await alice('workshop', 'join', url, '--name', 'alice');
    expect(joined.code).toBe(0);
    expect(joined.stdout).toMatch(/Joined netbreak workshop as alice\./);
    expect(joined.stdout).toMatch(/Your lab is named alice/);
    const twice = await alice('workshop', 'join', url, '--name', 'alice2');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/you already joined "netbreak workshop" as alice at http:\/\/127\.0\.0\.1:\d+: run "netbreak workshop leave" first\.$/m);

    const bob = as(tempDir('nb-bob-'));
    const taken = await bob('workshop', 'join', url, '--name', 'alice');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/the workshop server refused to join: the name alice is taken in this workshop: pick another with --name\./);
    expect((await bob('workshop', 'join', url, '--name', 'Bob')).stderr).toMatch(/--name Bob is not valid: use 1–20 lower-case letters, digits and dashes/);
    expect((await bob('workshop', 'join', url.replace(/\/join\/.*/, '/join/AAAA-AAAA'), '--name', 'bob')).stderr).toMatch(/join code is not this workshop's/);
    expect((await bob('workshop', 'join', 'not-a-url', '--name', 'bob')).stderr).toMatch(/"not-a-url" is not a URL: give the join URL the trainer shows/);
    const closed = await freePort();
    const unreachable = await bob('workshop', 'join', `http://127.0.0.1:${closed}/join/${info.joinCode}`, '--name', 'bob');
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/is unreachable \(ECONNREFUSED\): check the URL and that you are on the trainer's network/);
    expect((await bob('workshop', 'join', `http://127.0.0.1:${info.port}/`, '--code', info.joinCode, '--name', 'bob')).code).toBe(0);

    const status = await alice('workshop', 'status', '--json');
    expect(status.code).toBe(0);
    const s = status.json();
    expect(s).toMatchObject({ reachable: true, open: true, name: 'alice', lab: 'alice', pending: 0, row: { name: 'alice', fixed: 0 } });
    expect(Object.keys(s.seeds)).toEqual(['friday-merge', 'after-the-pentest']);
    const bobSeeds = (await bob('workshop', 'status', '--json')).json().seeds;
    expect(bobSeeds).not.toEqual(s.seeds);

    const leave = await alice('workshop', 'leave');
    expect(leave.stdout).toMatch(/Left the workshop \(you were alice\); your scores stay on the scoreboard/);
    const after = await alice('workshop', 'status');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/you are not in a workshop: join one with "netbreak workshop join URL --name NAME"/);
    expect((await alice('workshop', 'leave')).stdout).toMatch(/You are not in a workshop\./);
  });

  it('serve refuses what it cannot run, each with the flag to change', async () => {
    const trainer = as(tempDir('nb-trainer-'));
    const none = await trainer('workshop', 'serve', '--port', '0');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--scenarios is required to open a room: for example --scenarios friday-merge,after-the-pentest\./);
    const unknown = await trainer('workshop', 'serve', '--scenarios', 'friday-merg', '--port', '0');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--scenarios: unknown scenario "friday-merg"; did you mean friday-merge\?/);
    const duration = await trainer('workshop', 'serve', '--scenarios', 'friday-merge', '--duration', 'an hour');
    expect(duration.stderr).toMatch(/--duration an hour is not a duration: write it like 90m, 1h30m or 2h/);
    expect((await trainer('workshop', 'serve', '--scenarios', 'friday-merge', '--port', '70000')).stderr).toMatch(/--port 70000 is not a port/);

    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const busy = await trainer('workshop', 'serve', '--scenarios', 'friday-merge', '--port', String(port), '--host', '127.0.0.1');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1: pick another with --port`));
    await new Promise<void>((r) => blocker.close(() => r()));
  });

  it('Ctrl-C stops the server; serve again resumes the room; --new keeps the old one beside the new', async () => {
    const first = await serve(['--scenarios', 'friday-merge', '--port', '0']);
    const alice = as(tempDir('nb-alice-'));
    expect((await alice('workshop', 'join', first.info.joinUrls[0]!, '--name', 'alice')).code).toBe(0);
    expect(await first.stop()).toBe(0);
    running.splice(0);

    const port = String(first.info.port);
    const again = await serve(['--port', port], first.dataDir);
    expect(again.info).toMatchObject({ resumed: true, room: first.info.room, joinCode: first.info.joinCode, adminToken: first.info.adminToken, attendees: 1 });
    const status = (await alice('workshop', 'status', '--json')).json();
    expect(status).toMatchObject({ reachable: true, row: { name: 'alice' } });
    await again.stop();
    running.splice(0);

    const trainer = as(first.dataDir);
    const other = await trainer('workshop', 'serve', '--scenarios', 'after-the-pentest', '--port', port);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds a room with scenarios friday-merge: run without --scenarios to resume it, or add --new/);

    const fresh = await serve(['--scenarios', 'after-the-pentest', '--new', '--port', '0'], first.dataDir);
    expect(fresh.info).toMatchObject({ resumed: false, attendees: 0, scenarios: ['after-the-pentest'] });
    expect(fresh.info.room).not.toBe(first.info.room);
    expect(fs.existsSync(fresh.info.archived!)).toBe(true);
    expect(JSON.parse(fs.readFileSync(fresh.info.archived!, 'utf8')).attendees[0].name).toBe('alice');
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
