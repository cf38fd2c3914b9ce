// The attendee's terminal over a WebSocket. The browser cannot put a header on
// a WebSocket, and a token in the URL ends up in logs and history, so the first
// message carries it: {"type":"auth","token":…,"cols":…,"rows":…}. The token
// picks the terminal (an attendee's token only ever reaches their own), the
// Origin must be this server's (another site open in the attendee's browser
// cannot drive their shell), and a socket that does not authenticate at once
// is closed. Then: binary frames are the terminal's output; the browser sends
// {"type":"input","data":…} and {"type":"resize","cols":…,"rows":…}.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Terminal, TerminalViewer } from './terminal.js';

export const TERMINAL_PATH = '/api/host/terminal';

/** Close codes the page explains (4000–4999 are the application's). */
export const CLOSE = { unauthorized: 4001, replaced: 4002, closed: 4003, malformed: 4004 } as const;

const AUTH_TIMEOUT_MS = 5_000;
/** Keystrokes and pastes; a larger frame is not typing. */
const MAX_MESSAGE_BYTES = 64 * 1024;

const Size = { cols: z.number().int().min(2).max(500), rows: z.number().int().min(2).max(200) };
const Auth = z.object({ type: z.literal('auth'), token: z.string().min(1).max(200), ...Size });
const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(MAX_MESSAGE_BYTES) }),
  z.object({ type: z.literal('resize'), ...Size }),
]);

function parse<T>(schema: z.ZodType<T>, data: RawData, isBinary: boolean): T | undefined {
  if (isBinary) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(data.toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Whether the page that opened the socket was served by this server (same scheme, host and port as the request's Host). */
export function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  return Boolean(origin && host && origin === `http://${host}`);
}

export interface TerminalSockets {
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function terminalSockets(terminalOf: (token: string) => { name: string; terminal: Terminal } | undefined, log: (line: string) => void): TerminalSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  function serve(ws: WebSocket, remote: string | undefined): void {
    const timer = setTimeout(() => ws.close(CLOSE.unauthorized, 'no token within 5 s: reload the page'), AUTH_TIMEOUT_MS);
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      const auth = parse(Auth, data, isBinary);
      const found = auth && terminalOf(auth.token);
      if (!auth || !found) {
        log(`refused a terminal from ${remote}: not an attendee's token`);
        ws.close(CLOSE.unauthorized, 'this token is not an attendee of this workshop: join again');
        return;
      }
      const { terminal } = found;
      const viewer: TerminalViewer = {
        output: (chunk) => {
          if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
        },
        detached: (reason) => ws.close(reason.includes('another tab') ? CLOSE.replaced : CLOSE.closed, reason),
      };
      terminal.resize(auth.cols, auth.rows);
      terminal.attach(viewer);
      ws.on('message', (raw, binary) => {
        const message = parse(Message, raw, binary);
        if (!message) return ws.close(CLOSE.malformed, 'a terminal message was malformed: reload the page');
        if (message.type === 'input') terminal.input(message.data);
        else terminal.resize(message.cols, message.rows);
      });
      ws.on('close', () => terminal.detach(viewer));
    });
  }

  return {
    upgrade(req, socket, head) {
      if (!sameOrigin(req)) {
        log(`refused a terminal from ${req.socket.remoteAddress}: Origin ${req.headers.origin ?? '(none)'} is not this server's`);
        return refuseUpgrade(socket, 403, 'Forbidden', "the terminal opens only from this workshop's own page");
      }
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req.socket.remoteAddress));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
