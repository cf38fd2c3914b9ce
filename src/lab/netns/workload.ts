// What runs inside a lab pod. The lab has no container images, so it reads the
// image and arguments the way a learner would and starts the process that
// behaves like it: agnhost netexec and serve-hostname for app pods, a
// CoreDNS-compatible server for coredns pods. Any other container serves its
// declared containerPorts like netexec (TCP as HTTP, UDP answering `hostname`).
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
  if (spec.containers.length === 0) return undefined;
  const declared = spec.containers.flatMap((c) => c.ports ?? []);
  const probed = spec.containers.find((c) => c.readinessProbe) ?? spec.containers[0]!;
  const plan: AgentPlan = { tcpPorts: [], udpPorts: [], readinessProbe: resolveNamedPorts(probed.readinessProbe, probed.ports ?? declared) };

  // One process serves the whole pod, so each container contributes the ports
  // its own program would listen on (upstream's netpol model runs one
  // serve-hostname container per port and protocol).
  for (const container of spec.containers) {
    const args = [...(container.command ?? []), ...(container.args ?? [])];
    const image = container.image ?? '';
    if (/coredns/.test(image)) {
      const conf = flag(args, '-conf') ?? '/etc/coredns/Corefile';
      const mount = (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts?.find((m) => conf.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
      return { ...plan, tcpPorts: [], udpPorts: [], dns: { volume: mount?.name ?? 'config-volume', file: path.basename(conf) } };
    }
    const served = /agnhost/.test(image) ? agnhostPorts(args) : undefined;
    if (served) {
      plan.tcpPorts.push(...served.tcp);
      plan.udpPorts.push(...served.udp);
    } else {
      for (const p of container.ports ?? []) (p.protocol === 'UDP' ? plan.udpPorts : plan.tcpPorts).push(p.containerPort);
    }
  }
  // Two containers of one pod share its network namespace and cannot both bind
  // one port; serve it once rather than crash the whole pod.
  plan.tcpPorts = unique(plan.tcpPorts);
  plan.udpPorts = unique(plan.udpPorts);
  return plan;
}

/** What an agnhost subcommand listens on, from its flags; undefined for subcommands that are not servers we know. */
export function agnhostPorts(args: string[]): { tcp: number[]; udp: number[] } | undefined {
  if (args.includes('netexec')) {
    return { tcp: [Number(flag(args, '--http-port') ?? 8080)], udp: [Number(flag(args, '--udp-port') ?? 8081)] };
  }
  if (args.includes('serve-hostname')) {
    // serve-hostname: --port (9376) over raw --tcp and/or --udp, or HTTP (--http, on by default).
    const port = Number(flag(args, '--port') ?? 9376);
    const on = (name: string, byDefault: boolean) => {
      if (args.includes(name) || args.includes(`${name}=true`)) return true;
      if (args.includes(`${name}=false`)) return false;
      return byDefault;
    };
    const udp = on('--udp', false);
    const tcp = on('--tcp', false) || on('--http', !on('--tcp', false) && !udp);
    return { tcp: tcp ? [port] : [], udp: udp ? [port] : [] };
  }
  return undefined;
}

function unique(ports: number[]): number[] {
  return [...new Set(ports)];
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
