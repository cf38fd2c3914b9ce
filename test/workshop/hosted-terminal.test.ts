// The hosted terminal over a real HTTP server and real WebSockets, each attendee
// with a real bash on a pseudo-terminal: the token picks the terminal and only
// that one, another site's page cannot open it, and a dropped socket comes back
// to the same shell with its screen replayed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE, TERMINAL_PATH, terminalSockets } from '../../src/workshop/hosting/terminal-socket.js';
import { Terminal } from '../../src/workshop/hosting/terminal.js';
import { tempDir } from '../helpers/temp-dir.js';

const bash = (name: string) => () => ({
  file: '/bin/bash',
  args: ['--noprofile', '--norc', '-i'],
  env: { PATH: '/usr/bin:/bin', TERM: 'xterm-256color', PS1: `${name}$ `, HOME: '/tmp', WHO: name },
});
const terminals = { alice: new Terminal(bash('alice'), tempDir('nb-term-alice-')), bob: new Terminal(bash('bob'), tempDir('nb-term-bob-')) };
const tokens: Record<string, keyof typeof terminals> = { 'token-of-alice-0123456789': 'alice', 'token-of-bob-0123456789': 'bob' };

let server: http.Server;
let origin: string;
const sockets = terminalSockets(
  (token) => {
    const name = tokens[token];
    return name && { name, terminal: terminals[name] };
  },
  () => {},
);

/** A browser's socket: what it received as text, and how it closed. */
interface Client {
  ws: WebSocket;
  text: () => string;
  closed: Promise<{ code: number; reason: string }>;
  type(line: string): void;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
}

function open(token: string, originHeader = origin): Promise<Client> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${TERMINAL_PATH}`, { origin: originHeader });
  let received = '';
  ws.on('message', (data) => (received += data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const client: Client = {
    ws,
    closed,
    text: () => received,
    type: (line) => ws.send(JSON.stringify({ type: 'input', data: `${line}\r` })),
    waitFor: async (pattern, ms = 10_000) => {
      const until = Date.now() + ms;
      while (!pattern.test(received)) {
        if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms; got: ${JSON.stringify(received.slice(-400))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'auth', token, cols: 100, rows: 30 }));
      resolve(client);
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => sockets.upgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sockets.close();
  terminals.alice.close();
  terminals.bob.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('the hosted terminal socket', () => {
  it('refuses a page from another site (Origin) before any shell is reached', async () => {
    await expect(open('token-of-alice-0123456789', 'http://evil.example')).rejects.toThrow('HTTP 403');
    expect(terminals.alice.pid).toBeUndefined();
  });

  it("closes a socket whose token is no attendee's, and shows it nothing", async () => {
    const stranger = await open('token-of-mallory-012345678');
    expect(await stranger.closed).toEqual({ code: CLOSE.unauthorized, reason: expect.stringMatching(/not an attendee/) });
    expect(stranger.text()).toBe('');
  });

  it("gives each attendee their own shell, and never the other's output", async () => {
    const alice = await open('token-of-alice-0123456789');
    const bob = await open('token-of-bob-0123456789');
    alice.type('echo "I am $WHO: $((6*7))"');
    bob.type('echo "I am $WHO: $((6*9))"');
    await alice.waitFor(/I am alice: 42/);
    await bob.waitFor(/I am bob: 54/);
    expect(terminals.alice.pid).not.toBe(terminals.bob.pid);
    expect(alice.text()).not.toMatch(/bob|54/);
    expect(bob.text()).not.toMatch(/alice|42/);
    alice.ws.close();
    bob.ws.close();
  });

  it('comes back to the same shell after the socket drops, with the screen replayed', async () => {
    const first = await open('token-of-alice-0123456789');
    first.type('SECRET_WORD=ravioli; echo "set $SECRET_WORD"');
    await first.waitFor(/set ravioli/);
    const pid = terminals.alice.pid;
    first.ws.terminate();
    await first.closed;
    const again = await open('token-of-alice-0123456789');
    // The replay: what the shell printed while the first socket was open.
    await again.waitFor(/set ravioli/);
    again.type('echo "still $SECRET_WORD in $$"');
    await again.waitFor(new RegExp(`still ravioli in ${pid}`));
    expect(terminals.alice.pid).toBe(pid);
    again.ws.close();
  });

  it('lets a newer tab take the terminal over and tells the older one why', async () => {
    const older = await open('token-of-alice-0123456789');
    await older.waitFor(/alice\$ /);
    const newer = await open('token-of-alice-0123456789');
    expect(await older.closed).toEqual({ code: CLOSE.replaced, reason: expect.stringMatching(/another tab/) });
    newer.type('echo "newer $((2+2))"');
    await newer.waitFor(/newer 4/);
    newer.ws.close();
  });

  it('starts a new shell after the attendee exits the old one', async () => {
    const client = await open('token-of-bob-0123456789');
    await client.waitFor(/bob\$ /);
    const pid = terminals.bob.pid;
    client.type('exit');
    await client.waitFor(/The shell ended\. Press Enter for a new one\./);
    client.type('echo "fresh $$"');
    await client.waitFor(/fresh \d+/);
    expect(/fresh (\d+)/.exec(client.text())![1]).not.toBe(String(pid));
    client.ws.close();
  });

  it('refuses a malformed message by closing the socket', async () => {
    const client = await open('token-of-bob-0123456789');
    client.ws.send('not json');
    expect((await client.closed).code).toBe(CLOSE.malformed);
  });
});
