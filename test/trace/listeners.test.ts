import { describe, expect, it } from 'vitest';
import { loopbackOnly, parseListeners } from '../../src/trace/listeners.js';

// `ss -Hltnu` in lab pods: a netexec agent, CoreDNS, and a flask dev server.
const SS = [
  'udp UNCONN 0      0      0.0.0.0:8081 0.0.0.0:*',
  'tcp LISTEN 0      511          *:8181       *:*',
  'tcp LISTEN 0      128    127.0.0.1:8080 0.0.0.0:*',
  'tcp LISTEN 0      128      [::1]:9000    [::]:*',
].join('\n');

describe('listeners', () => {
  it('parses ss lines', () => {
    expect(parseListeners(SS)).toEqual([
      { protocol: 'udp', address: '0.0.0.0', port: 8081 },
      { protocol: 'tcp', address: '*', port: 8181 },
      { protocol: 'tcp', address: '127.0.0.1', port: 8080 },
      { protocol: 'tcp', address: '::1', port: 9000 },
    ]);
  });

  it('tells "loopback only" from "on every address" and "not at all"', () => {
    const l = parseListeners(SS);
    expect(loopbackOnly(l, 'tcp', 8080)).toBe('127.0.0.1');
    expect(loopbackOnly(l, 'tcp', 9000)).toBe('::1');
    expect(loopbackOnly(l, 'tcp', 8181)).toBeUndefined();
    expect(loopbackOnly(l, 'tcp', 8081)).toBeUndefined();
    expect(loopbackOnly(l, 'tcp', 1234)).toBeUndefined();
  });
});
