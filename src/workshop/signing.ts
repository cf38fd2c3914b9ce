// Signed submissions. An attendee's CLI signs each request with its token
// (HMAC-SHA256), so nobody can post results as someone else. What is signed is
// the method, the path and the exact bytes of the body; the body names the
// attendee and carries a fresh nonce and a timestamp, so the server can refuse
// a request that was recorded and sent again.
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from './tokens.js';

export const SIGNATURE_HEADER = 'x-netbreak-signature';
const VERSION = 'v1';

export function signRequest(token: string, method: string, path: string, body: string): string {
  const mac = createHmac('sha256', token).update(`${method.toUpperCase()} ${path}\n`).update(body).digest('hex');
  return `${VERSION}=${mac}`;
}

export function verifyRequest(token: string, method: string, path: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  return sameSecret(signRequest(token, method, path, body), header.trim());
}

/** 128 random bits: never the same twice, so a seen nonce is a replay. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}
