// The room's secrets. The server keeps one random room secret and derives
// everything else from it with HMAC-SHA256: each attendee's token (the key their
// submissions are signed with) and the trainer's admin token. So the room file
// holds one secret, not a list of tokens, and a restarted server still knows
// every attendee's key.
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export function newRoomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** An attendee's id: random, so an id says nothing about who or when. */
export function newAttendeeId(): string {
  return randomBytes(9).toString('base64url');
}

export function newRoomId(): string {
  return randomBytes(6).toString('hex');
}

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).digest();
}

export function attendeeToken(secret: string, attendeeId: string): string {
  return derive(secret, `attendee-token\0${attendeeId}`).toString('base64url');
}

export function adminToken(secret: string): string {
  return derive(secret, 'admin-token').toString('base64url');
}

/** A value in [0, 2^32) that only the room secret can produce for this purpose. */
export function derivedUint32(secret: string, purpose: string): number {
  return derive(secret, purpose).readUInt32BE(0);
}

/** Compares secrets in constant time, whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
