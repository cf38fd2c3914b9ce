// The lab is single-stack IPv4, like one kube-proxy Proxier of a dual-stack pair:
// addresses of the other family are skipped, as upstream skips them per family.

/** The address as an unsigned 32-bit number, or undefined when it is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}

export interface IPv4Net {
  base: number;
  bits: number;
}

/** Parses `a.b.c.d/n` (surrounding spaces allowed, as upstream tolerates) to its network. */
export function parseIPv4CIDR(text: string): IPv4Net | undefined {
  const [address, prefix, extra] = text.trim().split('/');
  if (address === undefined || prefix === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefix)) return undefined;
  const ip = parseIPv4(address);
  const bits = Number(prefix);
  if (ip === undefined || bits > 32) return undefined;
  return { base: ip - (ip % 2 ** (32 - bits)), bits };
}

/** Network form, as Go's IPNet.String() prints it (`10.0.0.0/8` for `10.1.2.3/8`). */
export function formatIPv4CIDR(net: IPv4Net): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(net.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${net.bits}`;
}

export function cidrContains(net: IPv4Net, ip: string): boolean {
  const value = parseIPv4(ip);
  if (value === undefined) return false;
  return value - (value % 2 ** (32 - net.bits)) === net.base;
}
