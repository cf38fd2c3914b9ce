// pods/exec over a WebSocket, as kubelet serves it behind kube-apiserver: the
// command runs in the pod's network namespace with the host's tools
// (container-command.ts), its output goes out on the stdout/stderr channels,
// stdin and terminal resizes come in, and the error channel ends the session
// with the exit code, so `kubectl exec … -- false` exits 1 as on a cluster.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type ApiError, badRequest } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { CHANNEL, exitStatus, frame, negotiate, parseInbound, startFailure, type StreamOptions, streamOptions } from '../../../k8s/streams/remote-command.js';
import { containerTarget, findExecutable, startContainerCommand } from './container-command.js';
import { refuseUpgrade } from './upgrade-refusal.js';

/**
 * Why the request cannot become a session, checked before the upgrade so the client gets a Status; undefined when it can.
 * `notRunning` says why the pod has nowhere to run commands yet.
 */
export function execRefusal(pod: KubeObject, options: StreamOptions, protocol: string | undefined, notRunning?: string): ApiError | undefined {
  if (options.command.length === 0) return badRequest('you must specify at least one command for the container');
  if (!options.stdin && !options.stdout && !options.stderr) return badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return containerRefusal(pod, options, protocol, notRunning);
}

export function containerRefusal(pod: KubeObject, options: StreamOptions, protocol: string | undefined, notRunning?: string): ApiError | undefined {
  const spec = pod.spec as { containers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  const containers = [...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (options.container && !containers.includes(options.container)) {
    return badRequest(`container ${options.container} is not valid for pod ${pod.metadata.name}`);
  }
  if (notRunning) return badRequest(`container not found ("${options.container ?? containers[0] ?? ''}"): ${notRunning}`);
  if (!protocol) {
    // kubectl retries a refused WebSocket upgrade over SPDY, so every refusal above is given to both; the lab speaks only WebSocket.
    return badRequest('the lab API server streams exec and attach over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io): use kubectl 1.30 or newer');
  }
  return undefined;
}

const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => negotiate([...offered]) ?? false });

/** Serves one exec request: `pod` is the stored Pod, `lab` the lab's name. */
export function serveExec(lab: string, pod: KubeObject, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  serveCommand(lab, pod, req, socket, head, streamOptions(new URL(req.url ?? '/', 'https://lab').searchParams));
}

/** Runs `options.command` in the pod for this upgrade request (exec, or attach to an interactive container). */
export function serveCommand(lab: string, pod: KubeObject, req: http.IncomingMessage, socket: Duplex, head: Buffer, options: StreamOptions): void {
  const protocol = negotiate(req.headers['sec-websocket-protocol']);
  const where = containerTarget(lab, pod);
  const refusal = execRefusal(pod, options, protocol, 'error' in where ? where.error : undefined);
  if (refusal) return refuseUpgrade(socket, refusal);
  // No refusal means the protocol was agreed and the pod has its sandbox.
  if ('target' in where) wss.handleUpgrade(req, socket, head, (ws) => runSession(ws, lab, pod, options, where.target, protocol!));
}

function runSession(
  ws: WebSocket,
  lab: string,
  pod: KubeObject,
  options: StreamOptions,
  target: Parameters<typeof startContainerCommand>[0]['target'],
  protocol: string,
): void {
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, data));
  };
  const finish = (status: Record<string, unknown>) => {
    send(CHANNEL.error, JSON.stringify(status));
    ws.close(1000);
  };
  const executable = findExecutable(options.command[0]!);
  if (!executable) {
    // As containerd reports a command the image does not have (kubectl exits 1 with this message).
    return finish(startFailure(`error executing command in container: exec: "${options.command[0]}": executable file not found in $PATH`));
  }
  let process: ReturnType<typeof startContainerCommand>;
  try {
    process = startContainerCommand({ lab, target, hostname: pod.metadata.name, command: options.command, tty: options.tty });
  } catch (error) {
    return finish(startFailure(`error executing command in container: ${(error as Error).message}`));
  }
  if (options.stdout) process.onStdout((data) => send(CHANNEL.stdout, data));
  if (options.stderr) process.onStderr((data) => send(CHANNEL.stderr, data));
  let exited = false;
  process.onExit((code) => {
    exited = true;
    finish(exitStatus(options.command, code));
  });
  // Without stdin the command reads end-of-file at once, as in a container started without -i.
  if (!options.stdin && !options.tty) process.endInput();
  ws.on('message', (message: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const inbound = parseInbound(message, protocol);
    if (inbound.kind === 'stdin' && options.stdin) process.write(inbound.data);
    else if (inbound.kind === 'resize' && options.tty) process.resize(inbound.width, inbound.height);
    else if (inbound.kind === 'close' && inbound.channel === CHANNEL.stdin) process.endInput();
  });
  // The client went away (Ctrl-C on kubectl, a dropped connection): the command goes with it.
  const hangUp = () => {
    if (!exited) process.hangUp();
  };
  ws.on('close', hangUp);
  ws.on('error', hangUp);
}
