// The pod agent's application server, on the loopback of the test process (no
// namespaces needed): netexec endpoints, agnhost porter bodies, and binding to one
// address the way a dev server left on 127.0.0.1 does.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startNetexec } from '../../../../src/lab/netns/agent/netexec.js';
import { httpGet, tcpConnect } from '../../../../src/lab/netns/agent/transport.js';
import { classifyDialError } from '../../../../src/lab/kube-api/agnhost-probe.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('startNetexec', () => {
  it('answers /hostname, /healthz and /readyz like agnhost netexec', async () => {
    const port = await freePort();
    stop = await startNetexec({ hostname: 'api-1', tcpPorts: [port], udpPorts: [], address: '127.0.0.1' });
    expect((await httpGet('127.0.0.1', port, '/hostname', 1000)).body).toBe('api-1');
    expect((await httpGet('127.0.0.1', port, '/healthz', 1000)).status).toBe(200);
    expect((await httpGet('127.0.0.1', port, '/readyz', 1000)).status).toBe(200);
    expect((await httpGet('127.0.0.1', port, '/ready', 1000)).status).toBe(404);
  });

  it('serves a porter body for every path on a port that has one', async () => {
    const [plain, porter] = [await freePort(), await freePort()];
    const body = JSON.stringify({ products: Array.from({ length: 50 }, (_, i) => ({ sku: i })) });
    stop = await startNetexec({
      hostname: 'catalog-1',
      tcpPorts: [plain, porter],
      udpPorts: [],
      address: '127.0.0.1',
      fixedBodies: { [String(porter)]: body },
    });
    for (const path of ['/', '/products', '/hostname']) expect((await httpGet('127.0.0.1', porter, path, 1000)).body).toBe(body);
    expect((await httpGet('127.0.0.1', plain, '/hostname', 1000)).body).toBe('catalog-1');
  });

  it('listens only on the address it is given', async () => {
    const port = await freePort();
    stop = await startNetexec({ hostname: 'api-1', tcpPorts: [port], udpPorts: [], address: '127.0.0.1' });
    expect((await tcpConnect('127.0.0.1', port, 1000)).outcome).toBe('success');
    // 127.0.0.2 is loopback too, but not the bound address: the kernel refuses.
    expect((await tcpConnect('127.0.0.2', port, 1000)).outcome).toBe('refused');
  });

  it('dials another pod as agnhost /dial does, over HTTP and UDP', async () => {
    const [front, back] = [await freePort(), await freePort()];
    const stopFront = await startNetexec({ hostname: 'frontend-1', tcpPorts: [front], udpPorts: [], address: '127.0.0.1' });
    const stopBack = await startNetexec({ hostname: 'api-1', tcpPorts: [back], udpPorts: [back], address: '127.0.0.1' });
    stop = async () => Promise.all([stopFront(), stopBack()]).then(() => undefined);
    const dial = async (query: string) => JSON.parse((await httpGet('127.0.0.1', front, `/dial?${query}`, 5000)).body!);
    expect(await dial(`request=hostname&host=127.0.0.1&port=${back}&protocol=http&tries=2`)).toEqual({ responses: ['api-1', 'api-1'], errors: [] });
    expect(await dial(`request=hostname&host=127.0.0.1&port=${back}&protocol=udp&tries=1`)).toEqual({ responses: ['api-1'], errors: [] });
  });

  it("reports a failed try with agnhost's Go error, which the cluster backends read as refused", async () => {
    const [front, closed] = [await freePort(), await freePort()];
    stop = await startNetexec({ hostname: 'frontend-1', tcpPorts: [front], udpPorts: [], address: '127.0.0.1' });
    const answer = JSON.parse((await httpGet('127.0.0.1', front, `/dial?request=hostname&host=127.0.0.1&port=${closed}&protocol=http&tries=1`, 5000)).body!);
    expect(answer.errors).toEqual([`Get "http://127.0.0.1:${closed}/hostname": dial tcp 127.0.0.1:${closed}: connect: connection refused`]);
    expect(classifyDialError(answer.errors[0], 'http')).toBe('refused');
  });
});
