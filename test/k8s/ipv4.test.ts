import { expect, it } from 'vitest';
import { cidrContains, formatIPv4CIDR, isIPv4, parseIPv4CIDR } from '../../src/k8s/ipv4.js';

it('accepts dotted-quad IPv4 only', () => {
  expect(isIPv4('10.96.0.10')).toBe(true);
  for (const text of ['None', '', 'fd00::10', '10.96.0', '10.96.0.256', '1.2.3.4.5']) expect(isIPv4(text)).toBe(false);
});

it('normalises a CIDR to its network, trimming spaces as upstream tolerates', () => {
  expect(formatIPv4CIDR(parseIPv4CIDR(' 203.0.113.7/25')!)).toBe('203.0.113.0/25');
  expect(formatIPv4CIDR(parseIPv4CIDR('10.244.0.0/16')!)).toBe('10.244.0.0/16');
  expect(formatIPv4CIDR(parseIPv4CIDR('0.0.0.0/0')!)).toBe('0.0.0.0/0');
  expect(parseIPv4CIDR('10.0.0.0')).toBeUndefined();
  expect(parseIPv4CIDR('10.0.0.0/33')).toBeUndefined();
});

it('tests membership', () => {
  const net = parseIPv4CIDR('172.18.0.0/16')!;
  expect(cidrContains(net, '172.18.0.3')).toBe(true);
  expect(cidrContains(net, '172.19.0.3')).toBe(false);
  expect(cidrContains(parseIPv4CIDR('0.0.0.0/0')!, '8.8.8.8')).toBe(true);
});
