import { describe, expect, it } from 'vitest';
import { categorizeEndpoints, endpointsForPort } from '../../../src/k8s/kube-proxy/endpoints.js';
import { servicePorts } from '../../../src/k8s/kube-proxy/service-ports.js';
import { service, slice } from './fixtures.js';

const web = (extra: Parameters<typeof service>[2] = {}) =>
  servicePorts([service('shop', 'web', { clusterIP: '10.96.100.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...extra })])[0]!;

describe('endpointsForPort', () => {
  it("takes the port number from the slice port with the Service port's name and protocol", () => {
    const slices = [
      slice(
        'shop',
        'web',
        [
          { name: 'http', port: 8080 },
          { name: 'http', port: 9090, protocol: 'UDP' },
          { name: 'metrics', port: 9100 },
        ],
        [{ ip: '10.244.1.5', node: 'worker', pod: 'web-1' }],
      ),
    ];
    expect(endpointsForPort(web(), slices, 'worker').map((ep) => ep.endpoint)).toEqual(['10.244.1.5:8080']);
  });

  it('ignores slices of other Services, other namespaces and other address families', () => {
    const other = slice('shop', 'api', [{ name: 'http', port: 8080 }], [{ ip: '10.244.1.6', node: 'worker', pod: 'api-1' }]);
    const elsewhere = slice('dev', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.244.1.7', node: 'worker', pod: 'web-1' }]);
    const v6 = { ...slice('shop', 'web', [{ name: 'http', port: 8080 }], [{ ip: 'fd00::5', node: 'worker', pod: 'web-2' }]), addressType: 'IPv6' };
    expect(endpointsForPort(web(), [other, elsewhere, v6], 'worker')).toEqual([]);
  });

  it('prefers the live endpoint when two slices share an ip:port', () => {
    const old = slice('shop', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.244.1.5', node: 'worker', pod: 'old', ready: false, terminating: true }]);
    const live = { ...slice('shop', 'web', [{ name: 'http', port: 8080 }], [{ ip: '10.244.1.5', node: 'worker', pod: 'new' }]) };
    live.metadata!.name = 'web-fghij';
    for (const order of [
      [old, live],
      [live, old],
    ]) {
      expect(endpointsForPort(web(), order, 'worker').map((ep) => ep.targetRef?.name)).toEqual(['new']);
    }
  });
});

describe('categorizeEndpoints', () => {
  const slices = [
    slice(
      'shop',
      'web',
      [{ name: 'http', port: 8080 }],
      [
        { ip: '10.244.1.5', node: 'worker', pod: 'local-terminating', ready: false, serving: true, terminating: true },
        { ip: '10.244.2.7', node: 'worker2', pod: 'remote-ready' },
      ],
    ),
  ];

  it('uses only ready endpoints for Cluster policy while any is ready', () => {
    const info = web();
    const result = categorizeEndpoints(endpointsForPort(info, slices, 'worker'), info);
    expect(result.cluster.map((ep) => ep.ip)).toEqual(['10.244.2.7']);
    expect(result.local).toEqual([]);
    expect(result.hasAny).toBe(true);
  });

  it('falls back to local serving-terminating endpoints for Local policy, and reaches both', () => {
    const info = web({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, nodePort: 30080 }] });
    const result = categorizeEndpoints(endpointsForPort(info, slices, 'worker'), info);
    expect(result.cluster.map((ep) => ep.ip)).toEqual(['10.244.2.7']);
    expect(result.local.map((ep) => ep.ip)).toEqual(['10.244.1.5']);
    expect(result.allReachable.map((ep) => ep.ip)).toEqual(['10.244.1.5', '10.244.2.7']);
  });

  it('ignores externalTrafficPolicy on a Service that is not externally reachable', () => {
    const info = web({ externalTrafficPolicy: 'Local' });
    expect(info.externalPolicyLocal).toBe(false);
  });
});
