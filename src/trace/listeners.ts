// What a pod listens on, from `ss -Hltnu` run in its network namespace: when a
// connection is refused, this tells "nothing listens on that port" from "the
// app listens on 127.0.0.1 only" (a dev server's default), which is the pod's
// own doing and no network fault.

export interface Listener {
  protocol: 'tcp' | 'udp';
  /** As ss prints it without brackets: `0.0.0.0`, `127.0.0.1`, `*`, `::1`. */
  address: string;
  port: number;
}

/** `ss -Hltnu` lines: `tcp LISTEN 0 511 127.0.0.1:8080 0.0.0.0:*`. */
export function parseListeners(stdout: string): Listener[] {
  return stdout.split('\n').flatMap((line): Listener[] => {
    const words = line.trim().split(/\s+/);
    const protocol = words[0];
    const local = words[4];
    if ((protocol !== 'tcp' && protocol !== 'udp') || !local) return [];
    const at = local.lastIndexOf(':');
    const port = Number(local.slice(at + 1));
    // `127.0.0.1%lo:8080` names the interface; `[::1]:8080` brackets IPv6.
    const address = local
      .slice(0, at)
      .replace(/^\[|\]$/g, '')
      .replace(/%.*$/, '');
    return Number.isInteger(port) && at > 0 ? [{ protocol, address, port }] : [];
  });
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The loopback address the pod listens on when it listens on `port` on
 * loopback only (reachable from inside the pod, refused from the network);
 * undefined otherwise.
 */
export function loopbackOnly(listeners: Listener[], protocol: 'tcp' | 'udp', port: number): string | undefined {
  const on = listeners.filter((l) => l.protocol === protocol && l.port === port);
  return on.length > 0 && on.every((l) => LOOPBACK.test(l.address)) ? on[0]!.address : undefined;
}
