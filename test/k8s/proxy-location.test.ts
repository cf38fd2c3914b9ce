// Where kube-apiserver's pods/proxy and services/proxy send a request, and the Status it answers when it cannot.
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/k8s/api-status.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { podProxyLocation, serviceProxyLocation, splitSchemeNamePort } from '../../src/k8s/proxy-location.js';

const pod = (ip: string | undefined, ports: number[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop' },
  spec: { containers: [{ name: 'sidecar' }, { name: 'web', ports: ports.map((containerPort) => ({ containerPort })) }] },
  status: ip ? { podIP: ip } : {},
});

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ports: [
      { name: 'http', port: 80 },
      { name: 'metrics', port: 9090 },
    ],
  },
};

const endpoints = (subsets: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'api', namespace: 'shop' }, subsets });
const podAt = (name: string, ip: string) => ({ ip, targetRef: { kind: 'Pod', name, namespace: 'shop' } });
const ips: Record<string, string> = { 'api-1': '10.244.1.5', 'api-2': '10.244.2.7' };
const podIPOf = (_ns: string, name: string) => ips[name];

function statusOf(f: () => unknown): { code: number; reason: string; message: string } {
  try {
    f();
  } catch (error) {
    const e = error as ApiError;
    return { code: e.code, reason: e.reason, message: e.message };
  }
  throw new Error('no error');
}

describe('splitSchemeNamePort', () => {
  it('reads name, name:port and scheme:name:port; refuses other schemes and extra parts', () => {
    expect(splitSchemeNamePort('api')).toEqual({ scheme: 'http', name: 'api', port: '' });
    expect(splitSchemeNamePort('api:http')).toEqual({ scheme: 'http', name: 'api', port: 'http' });
    expect(splitSchemeNamePort('https:api:443')).toEqual({ scheme: 'https', name: 'api', port: '443' });
    expect(splitSchemeNamePort('ftp:api:21')).toBeUndefined();
    expect(splitSchemeNamePort('a:b:c:d')).toBeUndefined();
    expect(splitSchemeNamePort(':80')).toBeUndefined();
  });
});

describe('pods/proxy', () => {
  it('goes to the pod IP and the given port, else the first declared container port, else port 80', () => {
    expect(podProxyLocation(pod('10.244.1.5', [8080, 9090]), 'web-1:7000')).toEqual({ scheme: 'http', host: '10.244.1.5', port: '7000' });
    expect(podProxyLocation(pod('10.244.1.5', [8080, 9090]), 'web-1')).toEqual({ scheme: 'http', host: '10.244.1.5', port: '8080' });
    expect(podProxyLocation(pod('10.244.1.5'), 'https:web-1:')).toEqual({ scheme: 'https', host: '10.244.1.5', port: '443' });
    expect(podProxyLocation(pod('10.244.1.5'), 'web-1')).toMatchObject({ port: '80' });
  });

  it('refuses a pod without an address, or with one that is not global unicast', () => {
    for (const ip of [undefined, '127.0.0.1', '169.254.1.1', '0.0.0.0']) {
      expect(statusOf(() => podProxyLocation(pod(ip), 'web-1'))).toEqual({ code: 400, reason: 'BadRequest', message: 'address not allowed' });
    }
  });
});

describe('services/proxy', () => {
  const both = endpoints([
    {
      addresses: [podAt('api-1', '10.244.1.5'), podAt('api-2', '10.244.2.7')],
      ports: [
        { name: 'http', port: 8080 },
        { name: 'metrics', port: 9100 },
      ],
    },
  ]);

  it('turns a port number into the port name, then picks an endpoint address with that name (its target port)', () => {
    const first = () => 0;
    expect(serviceProxyLocation(service, both, 'api:80', podIPOf, first)).toEqual({ scheme: 'http', host: '10.244.1.5', port: '8080' });
    expect(serviceProxyLocation(service, both, 'https:api:metrics', podIPOf, first)).toEqual({ scheme: 'https', host: '10.244.1.5', port: '9100' });
    expect(serviceProxyLocation(service, both, 'api:http', podIPOf, () => 0.99)).toMatchObject({ host: '10.244.2.7' });
  });

  it('skips addresses that are not pods, or whose pod has another IP, so an Endpoints object cannot aim the proxy elsewhere', () => {
    const forged = endpoints([
      { addresses: [{ ip: '10.244.9.9' }, podAt('api-2', '10.244.1.5'), podAt('api-1', '10.244.1.5')], ports: [{ name: 'http', port: 8080 }] },
    ]);
    expect(serviceProxyLocation(service, forged, 'api:http', podIPOf, () => 0)).toMatchObject({ host: '10.244.1.5' });
    const none = endpoints([{ addresses: [{ ip: '10.244.9.9' }], ports: [{ name: 'http', port: 8080 }] }]);
    expect(statusOf(() => serviceProxyLocation(service, none, 'api:http', podIPOf))).toEqual({
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'no endpoints available for service "api:http"',
    });
  });

  it("answers kube-apiserver's errors: a port the Service lacks, no Endpoints object, no subsets", () => {
    expect(statusOf(() => serviceProxyLocation(service, both, 'api:81', podIPOf))).toEqual({
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'no service port 81 found for service "api"',
    });
    expect(statusOf(() => serviceProxyLocation(service, undefined, 'api', podIPOf))).toMatchObject({ code: 404, message: 'endpoints "api" not found' });
    expect(statusOf(() => serviceProxyLocation(service, endpoints([]), 'api', podIPOf))).toMatchObject({
      code: 503,
      message: 'no endpoints available for service "api"',
    });
  });
});
