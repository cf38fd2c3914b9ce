// DNS over TCP's two-byte length prefix: messages come out whole and in order,
// however the stream's chunks split them.
import { expect, it } from 'vitest';
import { FrameReader, frame } from '../../../../src/lab/netns/dns/tcp-framing.js';

it('prefixes a message with its length in two bytes, big-endian', () => {
  expect([...frame(Buffer.from('abc'))]).toEqual([0, 3, 97, 98, 99]);
  expect(frame(Buffer.alloc(300)).subarray(0, 2)).toEqual(Buffer.from([1, 44]));
});

it('gives back whole messages across chunk boundaries, several in one chunk, and waits for the rest of a half one', () => {
  const stream = Buffer.concat([frame(Buffer.from('first')), frame(Buffer.from('')), frame(Buffer.from('third message'))]);
  const reader = new FrameReader();
  const got: string[] = [];
  // One byte at a time: the length prefix itself is split too.
  for (const byte of stream.subarray(0, 9)) got.push(...reader.push(Buffer.from([byte])).map(String));
  expect(got).toEqual(['first', '']);
  got.push(...reader.push(stream.subarray(9, 12)).map(String));
  expect(got).toEqual(['first', '']);
  got.push(...reader.push(stream.subarray(12)).map(String));
  expect(got).toEqual(['first', '', 'third message']);
  expect(reader.push(Buffer.alloc(0))).toEqual([]);
});
