// DNS over TCP: every message is preceded by its length in two bytes (RFC 1035
// 4.2.2). The lab's DNS server, its upstream resolver and the client that
// forwards to them all read and write messages this way.

/** One message as it goes on a TCP stream. */
export function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/** The whole messages of one TCP stream, however its chunks split them. */
export class FrameReader {
  private buffered = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const messages: Buffer[] = [];
    while (this.buffered.length >= 2) {
      const n = this.buffered.readUInt16BE(0);
      if (this.buffered.length < n + 2) break;
      messages.push(this.buffered.subarray(2, n + 2));
      this.buffered = this.buffered.subarray(n + 2);
    }
    return messages;
  }
}
