// How the lab's API server runs a command "in a container": the host's tools are
// every lab container's image, so the command runs on this machine inside the
// pod's network namespace (the node's for a hostNetwork pod), with the pod's
// resolv.conf and hostname, through the same joiner `netbreak exec` uses
// (enter-lab.ts). With a TTY it gets a pseudo-terminal from node-pty.
import { spawn as spawnPipes } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pty from '@lydell/node-pty';
import type { KubeObject } from '../../../k8s/objects.js';
import { enterArgv, type LabTarget } from '../enter-lab.js';
import { holderPid } from '../holder.js';
import { netnsPath, nodeNetns, podNetns } from '../names.js';

/** A running command as the exec session sees it, whether on pipes or a terminal. */
export interface ContainerProcess {
  onStdout(listener: (data: Buffer) => void): void;
  onStderr(listener: (data: Buffer) => void): void;
  /** Called once, after the last output: the exit code (128 + signal for a signal, as a shell reports it). */
  onExit(listener: (code: number) => void): void;
  write(data: Buffer): void;
  endInput(): void;
  resize(columns: number, rows: number): void;
  /** Hangs up (a closed connection): the command gets SIGHUP, as a shell whose terminal went away. */
  hangUp(): void;
}

/** Where a pod's commands run, or why they cannot (the pod has no sandbox yet). */
export function containerTarget(lab: string, pod: KubeObject): { target: LabTarget } | { error: string } {
  const spec = pod.spec as { hostNetwork?: boolean; nodeName?: string };
  const namespace = pod.metadata.namespace ?? 'default';
  if (spec.hostNetwork) {
    if (!spec.nodeName || !fs.existsSync(netnsPath(nodeNetns(lab, spec.nodeName)))) return { error: 'the pod is not running on a node yet' };
    return { target: { node: spec.nodeName, hostNetworkPod: { namespace, pod: pod.metadata.name } } };
  }
  if (!fs.existsSync(netnsPath(podNetns(lab, namespace, pod.metadata.name)))) return { error: 'the pod has no sandbox yet' };
  return { target: { namespace, pod: pod.metadata.name } };
}

/** A container's PATH (the one container runtimes default to): the lab's tools in /usr/sbin are found whoever started the lab. */
const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The file `command` runs, looked up in PATH as execvp(3) would, or undefined when there is none. */
export function findExecutable(command: string, searchPath = CONTAINER_PATH): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : searchPath
        .split(':')
        .filter(Boolean)
        .map((dir) => path.join(dir, command));
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** What a container's process sees as its environment: a clean one, as a container runtime gives, not the supervisor's. */
function containerEnv(hostname: string, tty: boolean): Record<string, string> {
  return {
    PATH: CONTAINER_PATH,
    HOSTNAME: hostname,
    HOME: process.env.HOME ?? '/',
    ...(tty ? { TERM: 'xterm' } : {}),
  };
}

export interface CommandOptions {
  lab: string;
  target: LabTarget;
  hostname: string;
  command: string[];
  tty: boolean;
  columns?: number;
  rows?: number;
}

export function startContainerCommand(options: CommandOptions): ContainerProcess {
  const holder = holderPid(options.lab);
  if (holder === undefined) throw new Error(`the lab "${options.lab}" has no holder process`);
  const [file, ...args] = enterArgv(options.lab, holder, options.target, options.command);
  const env = containerEnv(options.hostname, options.tty);
  return options.tty ? onTerminal(file!, args, env, options) : onPipes(file!, args, env);
}

function onPipes(file: string, args: string[], env: Record<string, string>): ContainerProcess {
  const child = spawnPipes(file, args, { env, cwd: '/', stdio: ['pipe', 'pipe', 'pipe'] });
  // A command that stops reading its input must not crash the server with EPIPE.
  child.stdin.on('error', () => undefined);
  return {
    onStdout: (listener) => child.stdout.on('data', listener),
    onStderr: (listener) => child.stderr.on('data', listener),
    // 'close' comes after the process ended and both output pipes are drained.
    onExit: (listener) => child.once('close', (code, signal) => listener(code ?? 128 + (signal ? signalNumber(signal) : 0))),
    write: (data) => child.stdin.write(data),
    endInput: () => child.stdin.end(),
    resize: () => undefined,
    hangUp: () => child.kill('SIGHUP'),
  };
}

function onTerminal(file: string, args: string[], env: Record<string, string>, options: CommandOptions): ContainerProcess {
  const term = pty.spawn(file, args, { name: 'xterm', cols: options.columns ?? 80, rows: options.rows ?? 24, cwd: '/', env, encoding: null });
  return {
    // A terminal has one output: what the command writes to stdout and stderr both.
    onStdout: (listener) => term.onData((data) => listener(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data))),
    onStderr: () => undefined,
    onExit: (listener) => term.onExit(({ exitCode, signal }) => listener(signal ? 128 + signal : exitCode)),
    write: (data) => term.write(data as unknown as string),
    // The end of a terminal's input is the EOF character, as when a user types Ctrl-D.
    endInput: () => term.write('\x04'),
    resize: (columns, rows) => term.resize(columns, rows),
    hangUp: () => term.kill('SIGHUP'),
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return os.constants.signals[signal] ?? 0;
}
