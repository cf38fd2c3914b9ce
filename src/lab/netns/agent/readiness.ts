// The pod's readiness probe, run from inside the pod against its own IP (kubelet
// probes the pod IP from the node; the answer is the same for the app). A failure
// comes with kubelet's words for it, which its Unhealthy event carries.
import { httpGet, tcpConnect, type TransportOutcome } from './transport.js';

export interface ReadinessProbe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  timeoutSeconds?: number;
}

export interface ReadinessResult {
  ready: boolean;
  /** Why not, as kubelet's prober says it: "HTTP probe failed with statuscode: 503". */
  failure?: string;
}

/** What Go's dialer says for each way a connection fails. */
function dialError(ip: string, port: number, outcome: TransportOutcome): string {
  if (outcome === 'refused') return `dial tcp ${ip}:${port}: connect: connection refused`;
  if (outcome === 'unreachable') return `dial tcp ${ip}:${port}: connect: no route to host`;
  return `dial tcp ${ip}:${port}: i/o timeout`;
}

/** Named ports were already resolved to numbers by the lab's kubelet. */
export async function probeReadiness(probe: ReadinessProbe | undefined, ip: string): Promise<ReadinessResult> {
  if (!probe) return { ready: true };
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = Number(probe.httpGet.port);
    const path = probe.httpGet.path ?? '/';
    const r = await httpGet(ip, port, path, timeout);
    if (r.outcome === 'success') {
      const status = r.status ?? 0;
      return status >= 200 && status < 400 ? { ready: true } : { ready: false, failure: `HTTP probe failed with statuscode: ${status}` };
    }
    const url = `http://${ip}:${port}${path}`;
    const why = r.outcome === 'timeout' ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)' : dialError(ip, port, r.outcome);
    return { ready: false, failure: `Get "${url}": ${why}` };
  }
  if (probe.tcpSocket) {
    const port = Number(probe.tcpSocket.port);
    const r = await tcpConnect(ip, port, timeout);
    return r.outcome === 'success' ? { ready: true } : { ready: false, failure: dialError(ip, port, r.outcome) };
  }
  return { ready: true };
}
