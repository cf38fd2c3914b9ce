// How a pod's probes judge silence. An answer that reached the kernel in time is
// an answer, even when the prober's own process was kept from running until
// after its timer expired (a busy machine): the tests block the event loop past
// the timeout while the answer waits, which without the final poll reads as a
// timeout. Real silence still ends in a timeout at the given time.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet, tcpConnect, udpAsk } from '../../../../src/lab/netns/agent/transport.js';

/** Keeps this process off the event loop for `ms`, as a busy machine would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function listenTcp(server: net.Server): Promise<number> {
  closers.push(() => server.close());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function bindUdp(onMessage: (socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo) => void): Promise<number> {
  const socket = dgram.createSocket('udp4');
  closers.push(() => socket.close());
  socket.on('message', (msg, rinfo) => onMessage(socket, msg, rinfo));
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

describe('probe transports on a busy machine', () => {
  it('tcp: a handshake the kernel completed in time is a success, however late the prober runs', async () => {
    const port = await listenTcp(net.createServer((s) => s.destroy()));
    const probe = tcpConnect('127.0.0.1', port, 50);
    blockFor(150);
    expect(await probe).toMatchObject({ outcome: 'success' });
  });

  it('udp: a reply waiting in the socket when the timer fires is a success', async () => {
    const port = await bindUdp((socket, _msg, rinfo) => {
      socket.send('api-1', rinfo.port, rinfo.address);
      // The reply is sent; now the whole process (prober included) stalls past the 50 ms timeout.
      blockFor(150);
    });
    expect(await udpAsk('127.0.0.1', port, 'hostname', 50)).toMatchObject({ outcome: 'success', body: 'api-1' });
  });

  it('http: a response waiting in the socket when the timer fires is a success', async () => {
    const server = http.createServer((_req, res) => {
      res.end('api-1');
      blockFor(150);
    });
    const port = await listenTcp(server);
    expect(await httpGet('127.0.0.1', port, '/hostname', 50)).toMatchObject({ outcome: 'success', body: 'api-1' });
  });

  it('silence is still a timeout, in about the given time', async () => {
    const port = await bindUdp(() => {});
    const started = performance.now();
    const r = await udpAsk('127.0.0.1', port, 'hostname', 50);
    expect(r).toMatchObject({ outcome: 'timeout', detail: `no UDP answer from 127.0.0.1:${port} within 50 ms` });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('http: a server that accepts but never answers gets the time again after the handshake, and says so', async () => {
    const port = await listenTcp(net.createServer(() => {}));
    const started = performance.now();
    const r = await httpGet('127.0.0.1', port, '/products', 100);
    expect(r).toMatchObject({ outcome: 'timeout', detail: `connected to 127.0.0.1:${port}, but no HTTP response came within 100 ms` });
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });
});
