// A pod thread resolves names as its pod would, never through the host's resolver:
// its own name and localhost from its /etc/hosts, the rest through its resolv.conf.
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { podAddresses, usePodLookup } from '../../../../src/lab/netns/agent/pod-lookup.js';
import { tempDir } from '../../../helpers/temp-dir.js';

// Nothing answers DNS on the test machine's 127.0.0.1:53, so a cluster name cannot resolve: the lookup fails fast.
const resolvConf = path.join(tempDir('nb-pod-lookup-'), 'resolv.conf');
fs.writeFileSync(resolvConf, 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.0.0.1\noptions ndots:5 timeout:1 attempts:1\n');
const POD = { hostname: 'api-7d9f-x2x4q', ip: '127.0.0.1', resolvConf };

const hostLookup = dns.lookup;
afterEach(() => {
  dns.lookup = hostLookup;
});

describe('podAddresses', () => {
  it("answers addresses, localhost and the pod's own name as its /etc/hosts does", async () => {
    expect(await podAddresses('10.96.0.10', POD)).toEqual(['10.96.0.10']);
    expect(await podAddresses('localhost', POD)).toEqual(['127.0.0.1']);
    expect(await podAddresses('api-7d9f-x2x4q', POD)).toEqual(['127.0.0.1']);
  });

  it("asks the pod's nameserver for any other name, and has no address when it does not answer", async () => {
    expect(await podAddresses('api', POD)).toEqual([]);
  });
});

describe('usePodLookup', () => {
  it("makes listen and connect on a name go through the pod's lookup", async () => {
    usePodLookup(POD);
    const server = net.createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, 'api-7d9f-x2x4q', () => resolve()));
    const { address, port } = server.address() as net.AddressInfo;
    expect(address).toBe('127.0.0.1');
    const body = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: 'localhost', port }, () => socket.once('data', (d) => resolve(String(d))));
      socket.once('error', reject);
    });
    server.close();
    expect(body).toBe('hello');
    const failed = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect({ host: 'api', port }).once('error', resolve));
    expect(failed.code).toBe('ENOTFOUND');
    expect(failed.message).toBe('getaddrinfo ENOTFOUND api');
  });
});
