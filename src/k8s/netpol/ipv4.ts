// IPv4 addresses and CIDRs as unsigned 32-bit numbers. The lab is IPv4-only, so
// an IPv6 ipBlock can never match and is skipped by both evaluator and compiler.

export interface Cidr4 {
  /** Network address with host bits cleared. */
  base: number;
  prefix: number;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses dotted-quad IPv4; rejects leading zeros as Go's net.ParseIP does. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; host bits are cleared (Go's net.ParseCIDR does the same). */
export function parseCidr4(text: string): Cidr4 | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined || !/^(0|[1-9][0-9]?)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { base: (ip & maskOf(prefix)) >>> 0, prefix };
}

export function cidrContains(cidr: Cidr4, ip: number): boolean {
  return ((ip & maskOf(cidr.prefix)) >>> 0) === cidr.base;
}

export function formatIPv4(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
}

export function formatCidr4(cidr: Cidr4): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}
