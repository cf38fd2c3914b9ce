import { expect, it } from 'vitest';
import { agnhostContainer, agnhostProbe, classifyDialError, digCommand, parseDig, type AgnhostChannel } from '../../../src/lab/kube-api/agnhost-probe.js';
import { digOutput } from './fake-api-server.js';

const TIMEOUT_OLD =
  '\n; <<>> DiG 9.16.1 <<>> +search api.shop.svc.cluster.local A\n;; global options: +cmd\n;; connection timed out; no servers could be reached\n\ncommand terminated with exit code 9';
const TIMEOUT_NEW =
  ';; communications error to 10.96.0.10#53: timed out\n;; communications error to 10.96.0.10#53: timed out\n\n; <<>> DiG 9.18.24 <<>> +search api.shop.svc.cluster.local A\n;; global options: +cmd\n;; no servers could be reached\n';
const REFUSED = ';; communications error to 10.96.0.10#53: connection refused\n;; no servers could be reached\n';

it('reads dig: answers, rcode, server, time; timeouts in old and new formats; refused', () => {
  expect(parseDig(digOutput('api.shop.svc.cluster.local', 'NOERROR', ['10.96.4.4']))).toEqual({
    rcode: 'NOERROR',
    answers: ['10.96.4.4'],
    server: '10.96.0.10',
    ms: 3,
    timedOut: false,
  });
  expect(parseDig(digOutput('nope.shop', 'NXDOMAIN', []))).toMatchObject({ rcode: 'NXDOMAIN', answers: [] });
  expect(parseDig(TIMEOUT_OLD)).toMatchObject({ timedOut: true, answers: [] });
  expect(parseDig(TIMEOUT_NEW)).toMatchObject({ timedOut: true, server: '10.96.0.10' });
  expect(parseDig(REFUSED)).toMatchObject({ timedOut: false, error: 'connection refused', server: '10.96.0.10' });
  expect(parseDig('sh: dig: not found\n')).toMatchObject({ missing: true });
  expect(digCommand("a'b")).toBe(`dig +search +time=1 +tries=2 'a'\\''b' A`);
});

it('classifies agnhost /dial errors (Go net errors) as the netns lab does', () => {
  expect(classifyDialError('Get "http://10.96.1.2:8080/hostname": dial tcp 10.96.1.2:8080: connect: connection refused', 'http')).toBe('refused');
  expect(classifyDialError('Get "http://10.96.1.2:8080/hostname": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 'http')).toBe(
    'timeout',
  );
  expect(classifyDialError('dial tcp 10.96.1.2:8080: i/o timeout', 'tcp')).toBe('timeout');
  expect(classifyDialError('dial tcp 10.244.2.3:8080: connect: no route to host', 'http')).toBe('unreachable');
  expect(classifyDialError("reading from udp connection failed. err:'read udp 10.244.1.5:40000->10.96.0.10:53: i/o timeout'", 'udp')).toBe('timeout');
  expect(classifyDialError("reading from udp connection failed. err:'read udp 10.244.1.5:40000->10.96.3.3:8081: read: connection refused'", 'udp')).toBe(
    'refused',
  );
  expect(classifyDialError('Get "http://10.96.0.10:53/": net/http: HTTP/1.x transport connection broken: malformed HTTP response "\\x00"', 'tcp')).toBe(
    'success',
  );
});

it('finds agnhost and its --http-port in the pod spec', () => {
  const pod = (args: string[], image = 'registry.k8s.io/e2e-test-images/agnhost:2.53') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'sidecar', image: 'busybox' },
        { name: 'app', image, args },
      ],
    },
  });
  expect(agnhostContainer(pod(['netexec', '--http-port=8080', '--udp-port=8081']))).toEqual({ container: 'app', port: 8080 });
  expect(agnhostContainer(pod(['netexec', '--http-port', '9000']))).toEqual({ container: 'app', port: 9000 });
  expect(agnhostContainer(pod(['netexec']))).toEqual({ container: 'app', port: 8080 });
  expect(agnhostContainer(pod([], 'nginx'))).toBeUndefined();
});

function channel(dig: string, dial: { status: number; body: string }) {
  const calls: string[] = [];
  const c: AgnhostChannel = {
    shell: async (cmd) => {
      calls.push(`shell ${cmd}`);
      return dig;
    },
    dial: async (params) => {
      calls.push(`dial ${new URLSearchParams(params)}`);
      return dial;
    },
  };
  return { c, calls };
}

it('resolves with the pod resolver, then dials the address; success names the pod that answered', async () => {
  const { c, calls } = channel(digOutput('api.shop.svc.cluster.local', 'NOERROR', ['10.96.4.4']), { status: 200, body: '{"responses":["api-5d4f-x1"]}' });
  const result = await agnhostProbe(c, 'http://api.shop.svc.cluster.local:8080/');
  expect(result).toMatchObject({
    outcome: 'success',
    answeredBy: 'api-5d4f-x1',
    address: '10.96.4.4:8080',
    detail: 'HTTP answer from 10.96.4.4:8080, answered by api-5d4f-x1',
  });
  expect(result.dns).toEqual([{ name: 'api.shop.svc.cluster.local', server: '10.96.0.10', rcode: 'NOERROR', answers: ['10.96.4.4'], ms: 3, timedOut: false }]);
  expect(calls).toEqual([
    'shell dig +search +time=1 +tries=2 api.shop.svc.cluster.local A',
    'dial request=hostname&host=10.96.4.4&port=8080&protocol=http&tries=1',
  ]);
});

it('maps every DNS failure without dialling', async () => {
  for (const [dig, outcome] of [
    [TIMEOUT_NEW, 'dns-timeout'],
    [digOutput('x', 'NXDOMAIN', []), 'nxdomain'],
    [digOutput('x', 'SERVFAIL', []), 'dns-error'],
    [digOutput('x', 'NOERROR', []), 'dns-error'],
    [REFUSED, 'dns-error'],
  ] as const) {
    const { c, calls } = channel(dig, { status: 500, body: 'unused' });
    expect((await agnhostProbe(c, 'http://x:80/')).outcome).toBe(outcome);
    expect(calls.filter((l) => l.startsWith('dial'))).toEqual([]);
  }
});

it('maps dial outcomes for http, tcp, udp and dns probes', async () => {
  const refused = channel('', {
    status: 200,
    body: '{"errors":["Get \\"http://10.96.9.9:8080/hostname\\": dial tcp 10.96.9.9:8080: connect: connection refused"]}',
  });
  expect(await agnhostProbe(refused.c, 'http://10.96.9.9:8080/')).toMatchObject({ outcome: 'refused', address: '10.96.9.9:8080' });
  expect(refused.calls).toEqual(['dial request=hostname&host=10.96.9.9&port=8080&protocol=http&tries=1']);

  const udp = channel('', { status: 200, body: '{"responses":["coredns-abc"]}' });
  expect(await agnhostProbe(udp.c, 'udp://10.96.0.10:53')).toMatchObject({ outcome: 'success', answeredBy: 'coredns-abc' });
  expect(udp.calls).toEqual(['dial request=hostname&host=10.96.0.10&port=53&protocol=udp&tries=1']);

  const tcp = channel('', { status: 200, body: '{"errors":["malformed HTTP response"]}' });
  expect(await agnhostProbe(tcp.c, 'tcp://10.96.0.10:53')).toMatchObject({ outcome: 'success', detail: 'connected to 10.96.0.10:53' });

  const path = channel('', { status: 200, body: '{"responses":["hello"]}' });
  expect(await agnhostProbe(path.c, 'http://10.0.0.1:8080/echo?msg=hello')).toMatchObject({ outcome: 'success' });
  expect(path.calls[0]).toBe('dial request=echo%3Fmsg%3Dhello&host=10.0.0.1&port=8080&protocol=http&tries=1');

  const dns = channel(digOutput('api.shop', 'NOERROR', ['10.96.4.4', '10.96.4.5']), { status: 500, body: '' });
  expect(await agnhostProbe(dns.c, 'dns://api.shop')).toMatchObject({ outcome: 'success', detail: 'api.shop → 10.96.4.4, 10.96.4.5', address: '10.96.4.4' });
});

it('falls back to agnhost resolving the name when the image has no dig', async () => {
  const { c } = channel('sh: dig: not found', { status: 400, body: 'host and/or port param are invalid. lookup nope.shop on 10.96.0.10:53: no such host' });
  expect(await agnhostProbe(c, 'http://nope.shop:8080/')).toMatchObject({ outcome: 'nxdomain' });
  expect(await agnhostProbe(c, 'dns://nope.shop')).toMatchObject({ outcome: 'nxdomain' });
});

it('says so when the source pod does not speak netexec', async () => {
  const { c } = channel('', { status: 200, body: '<html>nginx</html>' });
  await expect(agnhostProbe(c, 'http://10.0.0.1:80/')).rejects.toThrow('is the source pod running agnhost netexec?');
});
