// A failing readiness probe says why in kubelet's words: the pod's Unhealthy event carries them.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeReadiness } from '../../../../src/lab/netns/agent/readiness.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('probeReadiness', () => {
  it('passes on a 2xx or 3xx answer and names the status code of any other', async () => {
    const port = await listen(http.createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 503).end()));
    expect(await probeReadiness({ httpGet: { path: '/ok', port } }, '127.0.0.1')).toEqual({ ready: true });
    expect(await probeReadiness({ httpGet: { path: '/healthz', port } }, '127.0.0.1')).toEqual({
      ready: false,
      failure: 'HTTP probe failed with statuscode: 503',
    });
  });

  it('says a refused connection as Go does, for HTTP and TCP probes', async () => {
    const port = await closedPort();
    expect(await probeReadiness({ httpGet: { path: '/ready', port } }, '127.0.0.1')).toEqual({
      ready: false,
      failure: `Get "http://127.0.0.1:${port}/ready": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
    expect(await probeReadiness({ tcpSocket: { port } }, '127.0.0.1')).toEqual({
      ready: false,
      failure: `dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
  });

  it('is ready without a probe, and on a TCP port that accepts', async () => {
    const port = await listen(net.createServer((s) => s.end()));
    expect(await probeReadiness(undefined, '127.0.0.1')).toEqual({ ready: true });
    expect(await probeReadiness({ tcpSocket: { port } }, '127.0.0.1')).toEqual({ ready: true });
  });
});
