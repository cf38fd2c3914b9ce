// What runs inside a lab pod. The lab has no container images, so it reads the
// image and arguments the way a learner would and runs the program that
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
  /** agnhost porter: the body each TCP port answers to every request (from SERVE_PORT_<n> env vars). */
  porter?: Record<string, string>;
  /** The address the app binds (netexec and agnhost bind every address); 127.0.0.1 for a dev server left on its default. */
  listen?: string;
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
  if (spec.containers.length === 0) return undefined;
  // The lab's kube-proxy is the supervisor's node agent (node-agents.ts), which writes each node's rules
  // where a kube-proxy pod runs: its container has no program of its own to start.
  if (spec.containers.every((c) => /(^|\/)kube-proxy:/.test(c.image ?? ''))) return undefined;
  const declared = spec.containers.flatMap((c) => c.ports ?? []);
  const probed = spec.containers.find((c) => c.readinessProbe) ?? spec.containers[0]!;
  const plan: AgentPlan = { tcpPorts: [], udpPorts: [], readinessProbe: resolveNamedPorts(probed.readinessProbe, probed.ports ?? declared) };

  // One thread serves the whole pod, so each container contributes the ports
  // its own program would listen on (upstream's netpol model runs one
  // serve-hostname container per port and protocol).
  for (const container of spec.containers) {
    const args = [...(container.command ?? []), ...(container.args ?? [])];
    const image = container.image ?? '';
    if (/coredns/.test(image)) {
      const conf = flag(args, '-conf') ?? '/etc/coredns/Corefile';
      const mount = (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts?.find((m) =>
        conf.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
      );
      return { ...plan, tcpPorts: [], udpPorts: [], dns: { volume: mount?.name ?? 'config-volume', file: path.basename(conf) } };
    }
    const dev = devServer(args, container as { env?: { name: string; value?: string }[] });
    if (dev) {
      plan.tcpPorts.push(dev.port);
      plan.listen = dev.address;
      continue;
    }
    if (/agnhost/.test(image) && args.includes('porter')) {
      // porter: every env var SERVE_PORT_<n> starts an HTTP server on <n> that
      // answers any request with the variable's value (upstream serves TLS and
      // SCTP variants too; the lab does not).
      for (const e of (container as { env?: { name: string; value?: string }[] }).env ?? []) {
        const port = /^SERVE_PORT_(\d+)$/.exec(e.name)?.[1];
        if (!port) continue;
        plan.tcpPorts.push(Number(port));
        (plan.porter ??= {})[port] = e.value ?? '';
      }
      continue;
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
    // --udp-port=-1 turns the UDP server off, as upstream documents.
    const udp = Number(flag(args, '--udp-port') ?? 8081);
    return { tcp: [Number(flag(args, '--http-port') ?? 8080)], udp: udp === -1 ? [] : [udp] };
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

/**
 * Python web servers that bind only 127.0.0.1 unless told otherwise, the classic
 * "works on my machine, connection refused in the cluster": `flask run` (--host/-h
 * or FLASK_RUN_HOST; --port/-p or FLASK_RUN_PORT, default 5000), `uvicorn`
 * (--host, --port, default 8000) and `gunicorn` (--bind/-b HOST:PORT, default
 * 127.0.0.1:8000). The lab serves netexec's endpoints where the server would listen.
 */
export function devServer(args: string[], container: { env?: { name: string; value?: string }[] }): { address: string; port: number } | undefined {
  const env = (name: string) => container.env?.find((e) => e.name === name)?.value;
  const words = args.map((a) => path.basename(a));
  const address = (host: string) => (host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''));
  if (words.includes('flask') && words.includes('run')) {
    const host = flag(args, '--host') ?? flag(args, '-h') ?? env('FLASK_RUN_HOST') ?? '127.0.0.1';
    return { address: address(host), port: Number(flag(args, '--port') ?? flag(args, '-p') ?? env('FLASK_RUN_PORT') ?? 5000) };
  }
  if (words.includes('uvicorn')) {
    return { address: address(flag(args, '--host') ?? '127.0.0.1'), port: Number(flag(args, '--port') ?? 8000) };
  }
  if (words.includes('gunicorn')) {
    const bind = flag(args, '--bind') ?? flag(args, '-b') ?? '127.0.0.1:8000';
    const at = bind.lastIndexOf(':');
    return at < 0 ? { address: address(bind), port: 8000 } : { address: address(bind.slice(0, at) || '0.0.0.0'), port: Number(bind.slice(at + 1)) };
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
