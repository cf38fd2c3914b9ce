// The remote-command protocol that `kubectl exec`, `attach` and `cp` speak over a
// WebSocket (k8s.io/apimachinery/pkg/util/remotecommand, KEP-3396): every binary
// message starts with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 error,
// 4 resize); v5 adds channel 255, whose next byte names a stream the peer has
// closed (kubectl closes stdin that way, so `kubectl exec -i … -- cat <file`
// ends). kubectl 1.30+ offers only v5; v4 is kept for older clients
// (client-node's Exec). The error channel carries one metav1.Status: Success,
// or the exit code as kubelet reports it, which kubectl turns into its own.

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';

/** The protocols this server speaks, best first. */
const SPOKEN = [PROTOCOL_V5, PROTOCOL_V4];

/** The protocol to answer with: the best one both sides speak, or undefined (the server then refuses the upgrade). */
export function negotiate(offered: string | string[] | undefined): string | undefined {
  const list = (Array.isArray(offered) ? offered.join(',') : (offered ?? '')).split(',').map((p) => p.trim());
  return SPOKEN.find((p) => list.includes(p));
}

/** One binary message on `channel`. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export type InboundMessage =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'close'; channel: number }
  | { kind: 'ignored' };

/** What a client's message means: stdin bytes, a terminal size, a v5 half-close (only under v5), or nothing this server acts on. */
export function parseInbound(message: Buffer, protocol: string): InboundMessage {
  if (message.length === 0) return { kind: 'ignored' };
  const channel = message[0]!;
  const data = message.subarray(1);
  if (channel === CHANNEL.stdin) return { kind: 'stdin', data };
  if (channel === CHANNEL.close && protocol === PROTOCOL_V5 && data.length >= 1) return { kind: 'close', channel: data[0]! };
  if (channel === CHANNEL.resize) {
    // kubectl sends {"Width":80,"Height":24}; an unreadable size is dropped, as kubelet drops it.
    try {
      const size = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
      if (Number.isInteger(size.Width) && Number.isInteger(size.Height) && (size.Width as number) > 0 && (size.Height as number) > 0) {
        return { kind: 'resize', width: size.Width as number, height: size.Height as number };
      }
    } catch {
      // fall through
    }
  }
  return { kind: 'ignored' };
}

/** What kubelet sends on the error channel when the command ended: kubectl exits with the same code. */
export function exitStatus(command: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** What the container runtime reports when the command cannot start (kubectl prints "error: Internal error occurred: …" and exits 1). */
export function startFailure(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500 };
}

/** The query of an exec or attach request (`?command=sh&command=-c&…&stdin=true&tty=true&container=c`). */
export interface StreamOptions {
  command: string[];
  container?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function streamOptions(query: URLSearchParams): StreamOptions {
  const flag = (name: string, fallback: boolean) => {
    const value = query.get(name);
    return value === null ? fallback : value === 'true' || value === '1';
  };
  const container = query.get('container') ?? undefined;
  return {
    command: query.getAll('command'),
    ...(container ? { container } : {}),
    stdin: flag('stdin', false),
    stdout: flag('stdout', true),
    stderr: flag('stderr', true),
    tty: flag('tty', false),
  };
}
