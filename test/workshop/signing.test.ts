import { describe, expect, it } from 'vitest';
import { newNonce, signRequest, verifyRequest } from '../../src/workshop/signing.js';
import { adminToken, attendeeToken, newRoomSecret, sameSecret } from '../../src/workshop/tokens.js';

describe('request signing', () => {
  const token = attendeeToken(newRoomSecret(), 'abc');
  const body = '{"attendee":"abc","nonce":"00","ts":1}';

  it('verifies what it signed, and nothing that differs in method, path, body or key', () => {
    const sig = signRequest(token, 'POST', '/api/events', body);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyRequest(token, 'POST', '/api/events', body, sig)).toBe(true);
    expect(verifyRequest(token, 'POST', '/api/events', body.replace('"ts":1', '"ts":2'), sig)).toBe(false);
    expect(verifyRequest(token, 'POST', '/api/join', body, sig)).toBe(false);
    expect(verifyRequest(token, 'PUT', '/api/events', body, sig)).toBe(false);
    expect(verifyRequest(`${token}x`, 'POST', '/api/events', body, sig)).toBe(false);
    expect(verifyRequest(token, 'POST', '/api/events', body, undefined)).toBe(false);
    expect(verifyRequest(token, 'POST', '/api/events', body, 'v1=00')).toBe(false);
  });

  it('derives a different token per attendee and per room, and a separate admin token', () => {
    const secret = newRoomSecret();
    expect(attendeeToken(secret, 'a')).toBe(attendeeToken(secret, 'a'));
    expect(attendeeToken(secret, 'a')).not.toBe(attendeeToken(secret, 'b'));
    expect(attendeeToken(newRoomSecret(), 'a')).not.toBe(attendeeToken(secret, 'a'));
    expect(adminToken(secret)).not.toBe(attendeeToken(secret, 'admin-token'));
    expect(sameSecret('x', 'x')).toBe(true);
    expect(sameSecret('x', 'xy')).toBe(false);
  });

  it('never repeats a nonce', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(n).toMatch(/^[0-9a-f]{32}$/);
  });
});
