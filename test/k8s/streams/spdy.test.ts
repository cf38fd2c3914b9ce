import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  FRAME,
  FrameReader,
  HEADER_DICTIONARY,
  HeaderCodec,
  parseSynStream,
  rstStreamFrame,
  synReplyFrame,
} from '../../../src/k8s/streams/spdy.js';

/** What kubectl's SPDY library does for its header blocks: one zlib stream with the dictionary, flushed after each block. */
function clientCompressor() {
  const deflate = zlib.createDeflate({ dictionary: HEADER_DICTIONARY });
  return (headers: Map<string, string[]>) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      deflate.on('data', onData);
      deflate.write(encodeHeaderBlock(headers));
      deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        deflate.off('data', onData);
        resolve(Buffer.concat(chunks));
      });
    });
}

function synStream(streamId: number, block: Buffer): Buffer {
  const head = Buffer.alloc(18);
  head.writeUInt16BE(0x8003, 0);
  head.writeUInt16BE(FRAME.synStream, 2);
  head.writeUIntBE(10 + block.length, 5, 3);
  head.writeUInt32BE(streamId, 8);
  return Buffer.concat([head, block]);
}

describe('HEADER_DICTIONARY', () => {
  it('is the SPDY/3 dictionary: 1423 bytes, from "options" to "enq=0."', () => {
    expect(HEADER_DICTIONARY.length).toBe(1423);
    expect(HEADER_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from([0, 0, 0, 7, ...Buffer.from('options')]));
    expect(HEADER_DICTIONARY.subarray(-6).toString()).toBe('enq=0.');
  });
});

describe('FrameReader', () => {
  it('splits control and data frames, also when they arrive cut at any byte', () => {
    const bytes = Buffer.concat([rstStreamFrame(3, 5), dataFrame(1, Buffer.from('hello'), true), synReplyFrame(1, Buffer.from([1, 2]))]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatchObject({ control: true, type: FRAME.rstStream });
    expect(frames[1]).toMatchObject({ control: false, streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') });
    expect(frames[2]).toMatchObject({ control: true, type: FRAME.synReply, payload: Buffer.from([0, 0, 0, 1, 1, 2]) });
  });
});

describe('header blocks', () => {
  it('round-trip names in lower case and several values joined by NUL', () => {
    const headers = new Map([
      ['streamtype', ['data']],
      ['port', ['8080']],
      ['x-many', ['a', 'b']],
    ]);
    expect(decodeHeaderBlock(encodeHeaderBlock(headers))).toEqual(headers);
  });

  it("inflate kubectl's port-forward streams in order, through one compression context", async () => {
    const compress = clientCompressor();
    const codec = new HeaderCodec();
    const first = await compress(
      new Map([
        ['streamtype', ['error']],
        ['port', ['80']],
        ['requestid', ['0']],
      ]),
    );
    const second = await compress(
      new Map([
        ['streamtype', ['data']],
        ['port', ['80']],
        ['requestid', ['0']],
      ]),
    );
    const reader = new FrameReader();
    const [a, b] = reader.push(Buffer.concat([synStream(1, first), synStream(3, second)]));
    const one = parseSynStream((a as { payload: Buffer }).payload);
    const two = parseSynStream((b as { payload: Buffer }).payload);
    expect([one.streamId, two.streamId]).toEqual([1, 3]);
    const [h1, h2] = await Promise.all([codec.decode(one.headerBlock), codec.decode(two.headerBlock)]);
    expect(h1.get('streamtype')).toEqual(['error']);
    expect(h2.get('streamtype')).toEqual(['data']);
    expect(h2.get('requestid')).toEqual(['0']);
    codec.close();
  });

  it("deflate this side's replies so that a peer's single inflate stream reads each in turn", async () => {
    const codec = new HeaderCodec();
    const inflate = zlib.createInflate({ dictionary: HEADER_DICTIONARY });
    const read = (block: Buffer) =>
      new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        const onData = (c: Buffer) => chunks.push(c);
        inflate.on('data', onData);
        inflate.write(block);
        inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          inflate.off('data', onData);
          resolve(Buffer.concat(chunks));
        });
      });
    const empty = await codec.encode(new Map());
    const again = await codec.encode(new Map([['status', ['200']]]));
    expect(decodeHeaderBlock(await read(empty)).size).toBe(0);
    expect(decodeHeaderBlock(await read(again)).get('status')).toEqual(['200']);
    codec.close();
  });

  it('rejects a block that is not zlib data instead of crashing', async () => {
    const codec = new HeaderCodec();
    await expect(codec.decode(Buffer.from('not compressed at all'))).rejects.toThrow();
    codec.close();
  });
});
