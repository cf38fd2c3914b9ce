// Turns a query off the wire into a reply: decodes it, answers what CoreDNS's
// server answers itself (FORMERR, NOTIMP), and routes the rest to the server
// block whose zone matches the question.
import type { DnsLog, Query } from './plugins/types.js';
import { pickBlock, type RunningConfig } from './running-config.js';
import { decode, encode, finalizeReply, lowerFq, opcodeOf, replyTo, type DecodedPacket, type Packet } from './wire.js';

export interface QueryHandler {
  /** Runs a decoded query through the chain of the block that serves it on `requestedPort`. */
  dispatch(q: Query, requestedPort: number): Promise<Packet>;
  /** Answers one message as received; undefined when nothing is to be sent back. */
  handleWire(buf: Buffer, proto: 'udp' | 'tcp', remote: { address: string; port: number }, requestedPort: number): Promise<Buffer | undefined>;
}

export function queryHandler(config: () => RunningConfig, log: DnsLog): QueryHandler {
  const dispatch = async (q: Query, requestedPort: number): Promise<Packet> => {
    const name = lowerFq(q.req.questions?.[0]?.name ?? '.');
    const block = pickBlock(config(), requestedPort, name);
    if (!block) return replyTo(q.req, 'REFUSED');
    try {
      const reply = await block.handler(q);
      return reply.msg;
    } catch (error) {
      log.error(`plugin/errors: 2 ${name} ${q.req.questions?.[0]?.type ?? ''}: ${(error as Error).message}`);
      return replyTo(q.req, 'SERVFAIL');
    }
  };

  const handleWire: QueryHandler['handleWire'] = async (buf, proto, remote, requestedPort) => {
    let req: DecodedPacket;
    try {
      req = decode(buf);
    } catch {
      if (buf.length < 12) return undefined;
      const id = buf.readUInt16BE(0);
      return encode({ ...replyTo({ id, flags: buf.readUInt16BE(2) & 0x7810, questions: [] }, 'FORMERR') });
    }
    if (req.type !== 'query') return undefined;
    if (opcodeOf(req) !== 0) return finalizeReply(req, replyTo(req, 'NOTIMP'), proto);
    if ((req.questions ?? []).length !== 1) return finalizeReply(req, replyTo(req, 'FORMERR'), proto);
    const reply = await dispatch({ req, original: req, proto, remote, size: buf.length }, requestedPort);
    return finalizeReply(req, reply, proto);
  };

  return { dispatch, handleWire };
}
