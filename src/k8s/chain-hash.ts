// How kube-proxy derives chain names (KUBE-SVC-<h>, KUBE-SEP-<h>): the first 16
// characters of Go's base32.StdEncoding of a SHA-256, which keeps names under
// iptables' 28-character limit. NETPOL- chains are named the same way.
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding; Node's Buffer has no base32 encoding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function hash16(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}
