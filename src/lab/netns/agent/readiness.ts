// The pod's readiness probe, run from inside the pod against its own IP (kubelet
// probes the pod IP from the node; the answer is the same for the app).
import { httpGet, tcpConnect } from './transport.js';

export interface ReadinessProbe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  timeoutSeconds?: number;
}

/** Named ports were already resolved to numbers by the lab's kubelet. */
export async function probeReadiness(probe: ReadinessProbe | undefined, ip: string): Promise<boolean> {
  if (!probe) return true;
  const port = (p: number | string) => Number(p);
  const timeout = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const r = await httpGet(ip, port(probe.httpGet.port), probe.httpGet.path ?? '/', timeout);
    return r.outcome === 'success' && (r.status ?? 0) >= 200 && (r.status ?? 0) < 400;
  }
  if (probe.tcpSocket) return (await tcpConnect(ip, port(probe.tcpSocket.port), timeout)).outcome === 'success';
  return true;
}
