// The code attendees need to join a room: short enough to read off a slide,
// long enough (31^8 ≈ 8·10^11) that nobody on the conference Wi-Fi guesses it.
// No 0/O or 1/I/L, so it survives being read aloud and typed.
import { randomInt } from 'node:crypto';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 8;

/** A fresh code, shown as ABCD-EFGH. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return formatJoinCode(code);
}

/** What attendees may type: any case, with or without the dash or spaces. */
export function normalizeJoinCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export function formatJoinCode(code: string): string {
  const plain = normalizeJoinCode(code);
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}

export function sameJoinCode(a: string, b: string): boolean {
  return normalizeJoinCode(a) === normalizeJoinCode(b);
}
