// What runs inside a lab pod. The lab has no container images, so it reads the
// image and arguments the way a learner would and starts the process that
// behaves like it: agnhost netexec for app pods, a CoreDNS-compatible server
// for coredns pods. Anything else serves its declared containerPorts like netexec.
import path from 'node:path';
import type { PodSpec } from './controllers/workloads.js';

export interface AgentPlan {
  tcpPorts: number[];
  udpPorts: number[];
  /** Set for CoreDNS pods: the Corefile file name inside the projected ConfigMap volume. */
  dns?: { volume: string; file: string };
  readinessProbe?: unknown;
}

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    if (a === name) return args[i + 1];
  }
  return undefined;
}

export function planAgent(spec: PodSpec): AgentPlan | undefined {
  if (spec.hostNetwork) return undefined;
  const container = spec.containers[0];
  if (!container) return undefined;
  const args = [...(container.command ?? []), ...(container.args ?? [])];
  const image = container.image ?? '';
  const declared = spec.containers.flatMap((c) => c.ports ?? []);
  const plan: AgentPlan = { tcpPorts: [], udpPorts: [], readinessProbe: resolveNamedPorts(container.readinessProbe, declared) };

  if (/coredns/.test(image)) {
    const conf = flag(args, '-conf') ?? '/etc/coredns/Corefile';
    const mount = (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts?.find((m) => conf.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
    plan.dns = { volume: mount?.name ?? 'config-volume', file: path.basename(conf) };
    return plan;
  }
  if (/agnhost/.test(image) && args.includes('netexec')) {
    plan.tcpPorts.push(Number(flag(args, '--http-port') ?? 8080));
    plan.udpPorts.push(Number(flag(args, '--udp-port') ?? 8081));
    return plan;
  }
  for (const p of declared) (p.protocol === 'UDP' ? plan.udpPorts : plan.tcpPorts).push(p.containerPort);
  return plan;
}

/** kubelet resolves a probe's named port against the container's ports; the agent only sees numbers. */
function resolveNamedPorts(probe: unknown, ports: { name?: string; containerPort: number }[]): unknown {
  if (!probe) return undefined;
  const copy = structuredClone(probe) as { httpGet?: { port: number | string }; tcpSocket?: { port: number | string } };
  for (const action of [copy.httpGet, copy.tcpSocket]) {
    if (action && typeof action.port === 'string') action.port = ports.find((p) => p.name === action.port)?.containerPort ?? Number(action.port);
  }
  return copy;
}
