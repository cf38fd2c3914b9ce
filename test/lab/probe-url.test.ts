import { describe, expect, it } from 'vitest';
import { parseProbeUrl, ProbeUrlError } from '../../src/lab/probe-url.js';

describe('parseProbeUrl', () => {
  it.each([
    ['http://api.shop.svc.cluster.local:8080/hostname', { scheme: 'http', host: 'api.shop.svc.cluster.local', port: 8080, path: '/hostname' }],
    ['http://api:8080/dial?host=10.0.0.1&port=80', { scheme: 'http', host: 'api', port: 8080, path: '/dial?host=10.0.0.1&port=80' }],
    ['http://api', { scheme: 'http', host: 'api', port: 80, path: '/' }],
    ['tcp://10.96.0.10:53', { scheme: 'tcp', host: '10.96.0.10', port: 53, path: '/' }],
    ['udp://kube-dns.kube-system:53', { scheme: 'udp', host: 'kube-dns.kube-system', port: 53, path: '/' }],
    ['dns://api.shop.svc.cluster.local', { scheme: 'dns', host: 'api.shop.svc.cluster.local', port: 53, path: '/' }],
    ['tcp://1.1.1.1:65535', { scheme: 'tcp', host: '1.1.1.1', port: 65535, path: '/' }],
  ])('%s', (text, target) => {
    expect(parseProbeUrl(text)).toEqual(target);
  });

  it.each(['ftp://api:21', 'api:8080', 'http://', 'http://api:8080 /x', 'HTTP://api', 'http://api:port/'])(
    'refuses %j with one sentence listing the forms it accepts',
    (text) => {
      expect(() => parseProbeUrl(text)).toThrow(ProbeUrlError);
      expect(() => parseProbeUrl(text)).toThrow(
        `probe target "${text}" is not a URL netbreak can send: use http://host:port/path, tcp://host:port, udp://host:port or dns://name`,
      );
    },
  );

  it.each([
    ['tcp://api', 'tcp://api:80'],
    ['udp://10.96.0.10', 'udp://10.96.0.10:80'],
    ['tcp://api:0', 'tcp://api:80'],
    ['http://api:65536/', 'http://api:80'],
  ])('refuses %j for its port, showing an example', (text, example) => {
    expect(() => parseProbeUrl(text)).toThrow(ProbeUrlError);
    expect(() => parseProbeUrl(text)).toThrow(`probe target "${text}" needs a port between 1 and 65535, for example ${example}`);
  });
});
