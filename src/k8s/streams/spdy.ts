// SPDY/3.1 framing, the server's half, as far as `kubectl port-forward` uses it.
// kubectl 1.31+ tunnels SPDY through a WebSocket (subprotocol
// "SPDY/3.1+portforward.k8s.io", each binary message a run of SPDY bytes); its
// SPDY library (moby/spdystream) opens one stream per forwarded connection and
// one for its errors, waits for a SYN_REPLY to each, and does no flow control,
// so neither does this side. Header blocks are zlib-compressed with the
// dictionary the SPDY/3 draft defines, one compression context per direction
// for the life of the connection.
import zlib from 'node:zlib';

export const SPDY_VERSION = 3;

export const FRAME = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8, windowUpdate: 9 } as const;
export const FLAG_FIN = 0x01;
/** RST_STREAM status codes (SPDY/3 section 2.6.3). */
export const RST = { protocolError: 1, invalidStream: 2, refusedStream: 3, cancel: 5, internalError: 6 } as const;

export type Frame = { control: true; type: number; flags: number; payload: Buffer } | { control: false; streamId: number; flags: number; data: Buffer };

/** Splits a byte stream into frames; bytes of an unfinished frame wait for the next push. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const frames: Frame[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUIntBE(5, 3);
      if (this.pending.length < 8 + length) break;
      const head = this.pending.subarray(0, 8);
      const body = this.pending.subarray(8, 8 + length);
      this.pending = this.pending.subarray(8 + length);
      const flags = head[4]!;
      if (head[0]! & 0x80) frames.push({ control: true, type: head.readUInt16BE(2), flags, payload: body });
      else frames.push({ control: false, streamId: head.readUInt32BE(0) & 0x7fffffff, flags, data: body });
    }
    return frames;
  }
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, data: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head[4] = fin ? FLAG_FIN : 0;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

const u32 = (...values: number[]) => {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, 4 * i));
  return out;
};

export const synReplyFrame = (streamId: number, headerBlock: Buffer, fin = false) =>
  controlFrame(FRAME.synReply, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));
export const rstStreamFrame = (streamId: number, status: number) => controlFrame(FRAME.rstStream, 0, u32(streamId & 0x7fffffff, status));
export const pingFrame = (id: number) => controlFrame(FRAME.ping, 0, u32(id));
export const goawayFrame = (lastStreamId: number) => controlFrame(FRAME.goaway, 0, u32(lastStreamId & 0x7fffffff, 0));

/** The stream a SYN_STREAM opens and its still-compressed header block. */
export function parseSynStream(payload: Buffer): { streamId: number; fin: boolean; headerBlock: Buffer } {
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, fin: false, headerBlock: payload.subarray(10) };
}

/** The stream a RST_STREAM, HEADERS or WINDOW_UPDATE frame is about. */
export const frameStreamId = (payload: Buffer) => payload.readUInt32BE(0) & 0x7fffffff;

/** The SPDY/3 header dictionary: length-prefixed header names and values, then a run of common text. */
const DICTIONARY_WORDS = [
  'options',
  'head',
  'post',
  'put',
  'delete',
  'trace',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'allow',
  'authorization',
  'cache-control',
  'connection',
  'content-base',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expect',
  'expires',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'pragma',
  'proxy-authenticate',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'vary',
  'via',
  'warning',
  'www-authenticate',
  'method',
  'get',
  'status',
  '200 OK',
  'version',
  'HTTP/1.1',
  'url',
  'public',
  'set-cookie',
  'keep-alive',
  'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,' +
  'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const HEADER_DICTIONARY = Buffer.concat([
  ...DICTIONARY_WORDS.flatMap((w) => [u32(w.length), Buffer.from(w, 'latin1')]),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

export type Headers = Map<string, string[]>;

/** Serializes headers as SPDY/3 does before compression: counts and lengths as 32-bit numbers, several values joined by NUL. */
export function encodeHeaderBlock(headers: Headers): Buffer {
  const parts = [u32(headers.size)];
  for (const [name, values] of headers) {
    const value = Buffer.from(values.join('\0'));
    parts.push(u32(Buffer.byteLength(name)), Buffer.from(name.toLowerCase()), u32(value.length), value);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Headers {
  const headers: Headers = new Map();
  let at = 0;
  const take = () => {
    const length = block.readUInt32BE(at);
    const text = block.subarray(at + 4, at + 4 + length).toString();
    at += 4 + length;
    return text;
  };
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), ...take().split('\0')]);
  }
  return headers;
}

/** Runs one zlib stream of a connection: each call's input is one header block, flushed with Z_SYNC_FLUSH, in order. */
class ZlibContext {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly stream: zlib.Inflate | zlib.Deflate) {
    // A broken block fails the call that fed it (below); the stream's own error event must not crash the server.
    stream.on('error', () => undefined);
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          const chunks: Buffer[] = [];
          const onData = (c: Buffer) => chunks.push(c);
          const onError = (error: Error) => {
            this.stream.off('data', onData);
            reject(error);
          };
          this.stream.on('data', onData);
          this.stream.once('error', onError);
          this.stream.write(input);
          this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.stream.off('data', onData);
            this.stream.off('error', onError);
            resolve(Buffer.concat(chunks));
          });
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.stream.close();
  }
}

/** The header compression of one SPDY connection: inflates the peer's blocks, deflates ours. */
export class HeaderCodec {
  private readonly inflater = new ZlibContext(zlib.createInflate({ dictionary: HEADER_DICTIONARY }));
  private readonly deflater = new ZlibContext(zlib.createDeflate({ dictionary: HEADER_DICTIONARY }));

  async decode(compressed: Buffer): Promise<Headers> {
    return decodeHeaderBlock(await this.inflater.run(compressed));
  }

  encode(headers: Headers): Promise<Buffer> {
    return this.deflater.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.inflater.close();
    this.deflater.close();
  }
}
