// pods/portforward over a WebSocket, in the two forms clients speak:
// - kubectl 1.31+: SPDY tunnelled through the WebSocket (subprotocol
//   "SPDY/3.1+portforward.k8s.io"). Each forwarded connection opens an error
//   stream and a data stream (headers streamtype, port, requestid); the data
//   stream carries the bytes, the error stream a message when the pod's port
//   cannot be reached.
// - the channel protocol (v4.channel.k8s.io, @kubernetes/client-node's PortForward):
//   the ports come in the query, each gets a data and an error channel, and the
//   first message on each channel names its port (2 bytes, little-endian).
// Either way the connection is opened inside the pod's network namespace, to its
// localhost, as kubelet does (agent/pod-thread.ts serves it), so NetworkPolicies do
// not stand in the way of a port-forward, as on a cluster.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type ApiError, badRequest } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { frame as channelFrame, PROTOCOL_V4 } from '../../../k8s/streams/remote-command.js';
import {
  dataFrame,
  FLAG_FIN,
  FRAME,
  FrameReader,
  frameStreamId,
  goawayFrame,
  HeaderCodec,
  parseSynStream,
  pingFrame,
  RST,
  rstStreamFrame,
  synReplyFrame,
} from '../../../k8s/streams/spdy.js';
import { podControlSocket, podNetns } from '../names.js';
import { refuseUpgrade } from './upgrade-refusal.js';

export const PROTOCOL_SPDY_TUNNEL = 'SPDY/3.1+portforward.k8s.io';

const wss = new WebSocketServer({ noServer: true });
// "SPDY/3.1+portforward.k8s.io" is not a valid header token (the slash) for the ws library, which would refuse the
// handshake: the server takes the protocol off the request before the handshake and puts it back on the response.
const chosen = new WeakMap<http.IncomingMessage, string>();
wss.on('headers', (headers, req) => {
  const protocol = chosen.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});

/** A connection to `port` on the pod's localhost, or the message kubelet would give for it. */
function dialPod(lab: string, pod: KubeObject, port: number): Promise<Duplex> {
  const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const failure = (why: string) =>
    new Error(
      `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : failed to connect to localhost:${port} inside namespace "${podNetns(lab, pod.metadata.namespace ?? 'default', pod.metadata.name)}", IPv4: ${why}`,
    );
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: podControlSocket(lab, pod.metadata.uid!), method: 'CONNECT', path: `127.0.0.1:${port}` });
    req.on('connect', (res, socket, head) => {
      if (res.statusCode === 200) {
        if (head.length) socket.unshift(head);
        resolve(socket);
        return;
      }
      const chunks: Buffer[] = [head];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => reject(failure(Buffer.concat(chunks).toString().trim())));
      socket.on('error', () => reject(failure('the pod closed the connection')));
    });
    req.on('error', () => reject(new Error(`unable to do port forwarding: pod ${name} has no running container to forward to`)));
    req.end();
  });
}

function offeredProtocols(req: http.IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
}

/** Why the request cannot be served, checked before the upgrade; undefined when it can. */
function refusal(pod: KubeObject, req: http.IncomingMessage): ApiError | undefined {
  const offered = offeredProtocols(req);
  if (!offered.includes(PROTOCOL_SPDY_TUNNEL) && !offered.includes(PROTOCOL_V4)) {
    return badRequest(`the lab API server port-forwards over WebSocket only (${PROTOCOL_SPDY_TUNNEL}, ${PROTOCOL_V4}): use kubectl 1.31 or newer`);
  }
  if (!pod.metadata.uid || !(pod.status as { podIP?: string } | undefined)?.podIP) return badRequest(`pod ${pod.metadata.name} is not running yet`);
  return undefined;
}

export function servePortForward(lab: string, pod: KubeObject, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  const refused = refusal(pod, req);
  if (refused) return refuseUpgrade(socket, refused);
  const ports = new URL(req.url ?? '/', 'https://lab').searchParams.getAll('ports').flatMap((p) => p.split(','));
  const protocol = offeredProtocols(req).includes(PROTOCOL_SPDY_TUNNEL) ? PROTOCOL_SPDY_TUNNEL : PROTOCOL_V4;
  chosen.set(req, protocol);
  delete req.headers['sec-websocket-protocol'];
  wss.handleUpgrade(req, socket, head, (ws) => {
    const dial = (port: number) => dialPod(lab, pod, port);
    if (protocol === PROTOCOL_SPDY_TUNNEL) new SpdyPortForward(ws, dial);
    else channelPortForward(ws, ports.map(Number), dial);
  });
}

/** The channel protocol: one connection per port for the life of the WebSocket. */
function channelPortForward(ws: WebSocket, ports: number[], dial: (port: number) => Promise<Duplex>): void {
  if (ports.length === 0 || ports.some((p) => !(Number.isInteger(p) && p > 0 && p < 65536))) {
    ws.close(1008, 'ports must name the pod ports to forward');
    return;
  }
  const connections: Duplex[] = [];
  /** What the client sent for a port before its connection to the pod was made. */
  const early: Buffer[][] = ports.map(() => []);
  const prefix = (port: number) => Buffer.from([port & 0xff, port >> 8]);
  ports.forEach((port, i) => {
    ws.send(channelFrame(2 * i, prefix(port)));
    ws.send(channelFrame(2 * i + 1, prefix(port)));
    dial(port).then(
      (conn) => {
        connections[i] = conn;
        for (const chunk of early[i]!.splice(0)) conn.write(chunk);
        conn.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(channelFrame(2 * i, chunk)));
        conn.on('close', () => ws.close(1000));
        conn.on('error', () => ws.close(1000));
      },
      (error: Error) => {
        ws.send(channelFrame(2 * i + 1, error.message));
        ws.close(1000);
      },
    );
  });
  ws.on('message', (message: Buffer) => {
    const index = message[0]!;
    if (index % 2 !== 0 || index / 2 >= ports.length) return;
    const data = message.subarray(1);
    if (connections[index / 2]) connections[index / 2]!.write(data);
    else early[index / 2]!.push(data);
  });
  ws.on('close', () => {
    for (const c of connections) c?.destroy();
  });
}

interface Pair {
  errorStream?: number;
  dataStream?: number;
  port?: number;
  connection?: Duplex;
  /** Bytes the client sent before the pod's end was connected. */
  early: Buffer[];
  clientDone: boolean;
}

/** One kubectl port-forward session: SPDY streams in pairs, each pair one forwarded connection. */
class SpdyPortForward {
  private readonly reader = new FrameReader();
  private readonly codec = new HeaderCodec();
  private readonly pairs = new Map<string, Pair>();
  private readonly streams = new Map<number, { pair: Pair; type: string }>();
  private queue: Promise<void> = Promise.resolve();
  private lastStream = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly dial: (port: number) => Promise<Duplex>,
  ) {
    ws.on('message', (message: Buffer) => {
      for (const f of this.reader.push(message)) {
        // Header blocks share one zlib context: frames are handled strictly in order.
        this.queue = this.queue.then(() => this.handle(f)).catch(() => this.abort());
      }
    });
    ws.on('close', () => this.closeAll());
    ws.on('error', () => this.closeAll());
  }

  private send(bytes: Buffer): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytes);
  }

  private async handle(f: ReturnType<FrameReader['push']>[number]): Promise<void> {
    if (!f.control) return this.onData(f.streamId, f.data, (f.flags & FLAG_FIN) !== 0);
    if (f.type === FRAME.synStream) return this.onSynStream(f.payload);
    if (f.type === FRAME.rstStream) return this.onReset(frameStreamId(f.payload));
    if (f.type === FRAME.ping) return this.send(pingFrame(f.payload.readUInt32BE(0)));
    if (f.type === FRAME.goaway) return this.closeAll();
    // SETTINGS, WINDOW_UPDATE, HEADERS: kubectl's SPDY library does no flow control and sends no headers later.
  }

  private async onSynStream(payload: Buffer): Promise<void> {
    const { streamId, headerBlock } = parseSynStream(payload);
    const headers = await this.codec.decode(headerBlock);
    this.lastStream = Math.max(this.lastStream, streamId);
    const type = headers.get('streamtype')?.[0] ?? '';
    const port = Number(headers.get('port')?.[0]);
    const requestId = headers.get('requestid')?.[0] ?? String(port);
    const pair = this.pairs.get(requestId) ?? { early: [], clientDone: false };
    this.pairs.set(requestId, pair);
    this.streams.set(streamId, { pair, type });
    this.send(synReplyFrame(streamId, await this.codec.encode(new Map())));
    if (type === 'error') pair.errorStream = streamId;
    else if (type === 'data') pair.dataStream = streamId;
    else return this.send(rstStreamFrame(streamId, RST.protocolError));
    pair.port = port;
    if (pair.dataStream !== undefined && pair.errorStream !== undefined) this.connect(pair);
  }

  private connect(pair: Pair): void {
    const port = pair.port!;
    if (!(Number.isInteger(port) && port > 0 && port < 65536)) return this.fail(pair, `invalid port: ${port}`);
    this.dial(port).then(
      (conn) => {
        pair.connection = conn;
        for (const chunk of pair.early.splice(0)) conn.write(chunk);
        if (pair.clientDone) conn.end();
        conn.on('data', (chunk: Buffer) => this.send(dataFrame(pair.dataStream!, chunk)));
        conn.on('end', () => {
          this.send(dataFrame(pair.dataStream!, Buffer.alloc(0), true));
          this.send(dataFrame(pair.errorStream!, Buffer.alloc(0), true));
        });
        conn.on('error', () => this.send(rstStreamFrame(pair.dataStream!, RST.cancel)));
      },
      (error: Error) => this.fail(pair, error.message),
    );
  }

  /** The pod's port could not be reached: the message on the error stream, then both streams end. */
  private fail(pair: Pair, message: string): void {
    this.send(dataFrame(pair.errorStream!, Buffer.from(message), true));
    this.send(dataFrame(pair.dataStream!, Buffer.alloc(0), true));
  }

  private onData(streamId: number, data: Buffer, fin: boolean): void {
    const stream = this.streams.get(streamId);
    if (stream?.type !== 'data') return;
    const { pair } = stream;
    if (data.length) {
      if (pair.connection) pair.connection.write(data);
      else pair.early.push(data);
    }
    if (fin) {
      pair.clientDone = true;
      pair.connection?.end();
    }
  }

  private onReset(streamId: number): void {
    const stream = this.streams.get(streamId);
    this.streams.delete(streamId);
    stream?.pair.connection?.destroy();
  }

  private abort(): void {
    this.send(goawayFrame(this.lastStream));
    this.ws.close(1002);
  }

  private closeAll(): void {
    for (const pair of this.pairs.values()) pair.connection?.destroy();
    this.pairs.clear();
    this.streams.clear();
    this.codec.close();
  }
}
