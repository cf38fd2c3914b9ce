import { expect, it } from 'vitest';
import {
  cidrContains,
  formatIPv4,
  formatIPv4Cidr,
  isIPv4Sloppy,
  parseIPv4CidrSloppy,
  parseIPv4CidrStrict,
  parseIPv4Sloppy,
  parseIPv4Strict,
} from '../../src/k8s/ipv4.js';

it('accepts dotted-quad IPv4 only', () => {
  expect(isIPv4Sloppy('10.96.0.10')).toBe(true);
  for (const text of ['None', '', 'fd00::10', '10.96.0', '10.96.0.256', '1.2.3.4.5']) expect(isIPv4Sloppy(text)).toBe(false);
});

it('reads leading zeros and spaces as kube-proxy does, and refuses them as NetworkPolicy validation does', () => {
  expect(parseIPv4Sloppy(' 010.1.2.3 ')).toBe(parseIPv4Strict('10.1.2.3'));
  expect(parseIPv4Strict('010.1.2.3')).toBeUndefined();
  expect(parseIPv4Strict(' 10.1.2.3')).toBeUndefined();
  expect(parseIPv4CidrSloppy(' 10.0.0.0/08')).toEqual({ base: parseIPv4Strict('10.0.0.0'), prefix: 8 });
  expect(parseIPv4CidrStrict('10.0.0.0/08')).toBeUndefined();
  expect(parseIPv4CidrStrict(' 10.0.0.0/8')).toBeUndefined();
});

it('normalises a CIDR to its network, trimming spaces as upstream tolerates', () => {
  expect(formatIPv4Cidr(parseIPv4CidrSloppy(' 203.0.113.7/25')!)).toBe('203.0.113.0/25');
  expect(formatIPv4Cidr(parseIPv4CidrSloppy('10.244.0.0/16')!)).toBe('10.244.0.0/16');
  expect(formatIPv4Cidr(parseIPv4CidrSloppy('0.0.0.0/0')!)).toBe('0.0.0.0/0');
  expect(formatIPv4Cidr(parseIPv4CidrStrict('10.1.2.3/8')!)).toBe('10.0.0.0/8');
  expect(parseIPv4CidrSloppy('10.0.0.0')).toBeUndefined();
  expect(parseIPv4CidrSloppy('10.0.0.0/33')).toBeUndefined();
  expect(parseIPv4CidrStrict('10.0.0.0/33')).toBeUndefined();
});

it('tests membership', () => {
  const net = parseIPv4CidrSloppy('172.18.0.0/16')!;
  expect(cidrContains(net, parseIPv4Strict('172.18.0.3')!)).toBe(true);
  expect(cidrContains(net, parseIPv4Strict('172.19.0.3')!)).toBe(false);
  expect(cidrContains(parseIPv4CidrSloppy('0.0.0.0/0')!, parseIPv4Strict('8.8.8.8')!)).toBe(true);
  expect(cidrContains(parseIPv4CidrStrict('10.0.0.0/32')!, parseIPv4Strict('10.0.0.0')!)).toBe(true);
});

it('formats an address back to dotted quad', () => {
  expect(formatIPv4(parseIPv4Strict('255.0.10.1')!)).toBe('255.0.10.1');
});
