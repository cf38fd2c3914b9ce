// pods/attach. A lab container's main process is its agent, whose output the lab's
// kubelet keeps (pod-runtime.ts); attaching streams what it writes from now on, on
// the stdout and stderr channels, until the client leaves or the pod is gone; the
// agent reads no input. A container that asks for input (`stdin: true`: `kubectl
// run -it`, `kubectl debug -it`) is an interactive tool, whose image is the host's
// tools: attaching runs its command, or a shell, in the pod's network namespace
// (the node's for `kubectl debug node/…`), with a terminal when it has `tty: true`.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { KubeObject } from '../../../k8s/objects.js';
import { CHANNEL, exitStatus, frame, negotiate, streamOptions } from '../../../k8s/streams/remote-command.js';
import { podLogFile } from '../names.js';
import { findExecutable } from './container-command.js';
import { containerRefusal, serveCommand } from './pod-exec.js';
import { followRecords, logSize } from './pod-log.js';
import { refuseUpgrade } from './upgrade-refusal.js';

interface InteractiveContainer {
  name: string;
  command?: string[];
  args?: string[];
  stdin?: boolean;
  tty?: boolean;
}

/** What the container runs: its command and args, or, for an image whose entrypoint the lab cannot know, a shell. */
export function containerCommand(container: InteractiveContainer): string[] {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (argv.length) return argv;
  return [findExecutable('bash') ? 'bash' : 'sh'];
}

const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => negotiate([...offered]) ?? false });

export function serveAttach(lab: string, pod: KubeObject, req: http.IncomingMessage, socket: Duplex, head: Buffer, podGone: () => boolean): void {
  const options = streamOptions(new URL(req.url ?? '/', 'https://lab').searchParams);
  const spec = pod.spec as { containers?: InteractiveContainer[]; ephemeralContainers?: InteractiveContainer[] };
  const containers = [...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const container = containers.find((c) => c.name === (options.container ?? containers[0]?.name));
  if (container?.stdin) {
    return serveCommand(lab, pod, req, socket, head, { ...options, command: containerCommand(container), tty: options.tty && Boolean(container.tty) });
  }
  const refusal = containerRefusal(pod, options, negotiate(req.headers['sec-websocket-protocol']));
  if (refusal) return refuseUpgrade(socket, refusal);
  const file = podLogFile(lab, pod.metadata.namespace ?? 'default', pod.metadata.name);
  wss.handleUpgrade(req, socket, head, (ws) => {
    const stop = followRecords(
      file,
      logSize(file),
      (records) => {
        for (const r of records) {
          const channel = r.stream === 'stderr' && !options.tty ? CHANNEL.stderr : CHANNEL.stdout;
          if ((channel === CHANNEL.stdout ? options.stdout : options.stderr) && ws.readyState === ws.OPEN)
            ws.send(frame(channel, `${r.text}${r.partial ? '' : '\n'}`));
        }
      },
      () => {
        if (!podGone()) return false;
        // The container ended with its pod: the session ends as an attach to an exited container does.
        ws.send(frame(CHANNEL.error, JSON.stringify(exitStatus([], 0))));
        ws.close(1000);
        return true;
      },
    );
    ws.on('close', stop);
    ws.on('error', stop);
  });
}
