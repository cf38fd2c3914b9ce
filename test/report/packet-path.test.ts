import { describe, expect, it } from 'vitest';
import { packetPath } from '../../src/report/packet-path.js';
import { rec } from '../history/fixtures.js';

const reached = (p: ReturnType<typeof packetPath>) => Object.fromEntries(p.hops.map((h) => [h.id, h.reached]));

describe('packetPath', () => {
  it('an egress policy that blocks DNS: the packets die on the way to DNS', () => {
    const p = packetPath(rec());
    expect(p.fault).toMatchObject({ at: 'dns', onTheWay: true, layer: 'networkpolicy', object: 'NetworkPolicy/shop/frontend-egress' });
    expect(reached(p)).toEqual({ client: true, dns: false, service: false, backend: false });
    expect(p.hops.find((h) => h.id === 'service')!.title).toBe('Service shop/api');
  });

  it('a default-deny ingress policy: dropped on the way into the endpoint pod', () => {
    const p = packetPath(
      rec({
        symptom: { from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/', expect: 'timeout' },
        key: {
          layer: 'networkpolicy',
          object: 'NetworkPolicy/shop/default-deny-ingress',
          cause: 'default-deny-without-allow',
          causeText: 'A default-deny ingress policy',
        },
      }),
    );
    expect(p.fault).toMatchObject({ at: 'backend', onTheWay: true });
    expect(reached(p)).toEqual({ client: true, dns: true, service: true, backend: false });
  });

  it('a Service that selects nobody: the Service itself refuses', () => {
    const p = packetPath(
      rec({
        layers: ['service', 'endpoints'],
        symptom: { from: 'shop/frontend', to: 'http://api.shop.svc.cluster.local:8080/', expect: 'refused' },
        key: { layer: 'service', object: 'Service/shop/api', cause: 'selector-matches-no-pods', causeText: '' },
      }),
    );
    expect(p.fault).toMatchObject({ at: 'service', onTheWay: false, layer: 'service' });
    expect(reached(p)).toEqual({ client: true, dns: true, service: true, backend: false });
  });

  it('an IP target needs no DNS; a dns:// probe needs no Service', () => {
    const ip = packetPath(rec({ symptom: { from: 'a/b', to: 'tcp://10.96.0.10:53', expect: 'timeout' } }));
    expect(ip.hops.find((h) => h.id === 'dns')!.used).toBe(false);
    const dns = packetPath(
      rec({
        symptom: { from: 'a/b', to: 'dns://api.a.svc.cluster.local', expect: 'nxdomain' },
        key: { layer: 'dns', object: 'ConfigMap/kube-system/coredns', cause: 'x', causeText: '' },
      }),
    );
    expect(dns.hops.filter((h) => !h.used).map((h) => h.id)).toEqual(['service', 'backend']);
    expect(dns.fault).toMatchObject({ at: 'dns', onTheWay: false });
  });

  it('without an answer key, places the fault from what the learner sees', () => {
    expect(packetPath(rec({ key: null, layers: [], symptom: { from: 'a/b', to: 'http://x:80/', expect: 'refused' } })).fault).toMatchObject({
      at: 'service',
      layer: 'unknown',
    });
    expect(packetPath(rec({ key: null, layers: [], symptom: null })).fault).toBeNull();
  });
});

describe('wrap', () => {
  it('wraps on words, at most the lines asked for, clipping the rest', async () => {
    const { wrap } = await import('../../src/report/svg.js');
    expect(wrap('resolves api.shop.svc.cluster.local', 20, 2)).toEqual(['resolves', 'api.shop.svc.cluste…']);
    expect(wrap('a b c', 20, 2)).toEqual(['a b c']);
    expect(wrap('one two three four five six', 9, 2)).toEqual(['one two', 'three fo…']);
    expect(wrap('', 9, 2)).toEqual([]);
  });
});
