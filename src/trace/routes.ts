// Addresses and routes as the kernel reads them: which route a node takes to an
// address (longest prefix), and whether an address is in a CIDR.
import { cidrContains, parseIPv4CidrStrict, parseIPv4Strict } from '../k8s/ipv4.js';
import type { RouteEntry } from './hops.js';

export function podRef(pod: { namespace: string; name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

export function cidrOf(dst: string): { base: number; prefix: number } | undefined {
  if (dst === 'default') return { base: 0, prefix: 0 };
  return parseIPv4CidrStrict(dst.includes('/') ? dst : `${dst}/32`);
}

/** The route the kernel would pick from the main table: longest prefix wins. */
export function longestPrefixMatch(routes: RouteEntry[], ip: string): RouteEntry | undefined {
  const addr = parseIPv4Strict(ip);
  if (addr === undefined) return undefined;
  let best: RouteEntry | undefined;
  let bestPrefix = -1;
  for (const route of routes) {
    const cidr = cidrOf(route.dst);
    if (!cidr || !cidrContains(cidr, addr)) continue;
    if (cidr.prefix > bestPrefix) {
      best = route;
      bestPrefix = cidr.prefix;
    }
  }
  return best;
}

export function ipInCidr(ip: string, cidr: string | undefined): boolean {
  const c = cidr ? parseIPv4CidrStrict(cidr) : undefined;
  const a = parseIPv4Strict(ip);
  return c !== undefined && a !== undefined && cidrContains(c, a);
}

export function splitHostPort(text: string): { ip: string; port?: number } {
  const i = text.lastIndexOf(':');
  if (i < 0) return { ip: text };
  return { ip: text.slice(0, i), port: Number(text.slice(i + 1)) };
}
