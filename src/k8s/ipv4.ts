// IPv4 addresses and CIDRs as unsigned 32-bit numbers. The lab is single-stack
// IPv4, like one kube-proxy Proxier of a dual-stack pair: addresses of the other
// family are skipped, as upstream skips them per family, and an IPv6 ipBlock
// never matches. Kubernetes parses addresses two ways, and so do we:
// - strict, as Go's net.ParseIP / net.ParseCIDR (NetworkPolicy validation and
//   enforcement): no leading zeros, no spaces;
// - sloppy, as k8s.io/utils/net's ParseIPSloppy (kube-proxy reading Service
//   fields): leading zeros allowed, surrounding spaces trimmed.

export interface IPv4Cidr {
  /** Network address with host bits cleared. */
  base: number;
  prefix: number;
}

const STRICT_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const SLOPPY_OCTET = /^\d{1,3}$/;

function parseOctets(parts: string[], octet: RegExp): number | undefined {
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!octet.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Dotted-quad IPv4 as Go's net.ParseIP reads it: leading zeros are refused. */
export function parseIPv4Strict(text: string): number | undefined {
  return parseOctets(text.split('.'), STRICT_OCTET);
}

/** Dotted-quad IPv4 as kube-proxy reads Service fields: spaces trimmed, leading zeros allowed. */
export function parseIPv4Sloppy(text: string): number | undefined {
  return parseOctets(text.trim().split('.'), SLOPPY_OCTET);
}

export function isIPv4Sloppy(text: string): boolean {
  return parseIPv4Sloppy(text) !== undefined;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function cidrOf(ip: number | undefined, prefix: number): IPv4Cidr | undefined {
  if (ip === undefined || prefix > 32) return undefined;
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

/** `a.b.c.d/n` as Go's net.ParseCIDR reads it; host bits are cleared as it does. */
export function parseIPv4CidrStrict(text: string): IPv4Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]?)$/.test(prefix)) return undefined;
  return cidrOf(parseIPv4Strict(text.slice(0, slash)), Number(prefix));
}

/** `a.b.c.d/n` as kube-proxy reads it (surrounding spaces allowed, as upstream tolerates), host bits cleared. */
export function parseIPv4CidrSloppy(text: string): IPv4Cidr | undefined {
  const [address, prefix, extra] = text.trim().split('/');
  if (address === undefined || prefix === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefix)) return undefined;
  return cidrOf(parseIPv4Sloppy(address), Number(prefix));
}

export function cidrContains(cidr: IPv4Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.base;
}

export function formatIPv4(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}

/** Network form, as Go's IPNet.String() prints it (`10.0.0.0/8` for `10.1.2.3/8`). */
export function formatIPv4Cidr(cidr: IPv4Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}
