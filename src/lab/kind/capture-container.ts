// `netbreak trace --pcap` on kind. kind's node image has no tcpdump, and a
// process started with `docker exec` keeps running when its client is killed
// (moby#9098), so each capture runs in a container of its own that joins a node
// container's network namespace (`--network container:<node>`), where the
// node's eth0 and the host-side veth of every pod on it are. Its `docker run`
// client stays in the foreground: SIGTERM to the client is passed on to tcpdump
// (--sig-proxy, on by default), which completes its file and ends the container
// (--rm removes it); `docker rm -f` by name ends one whose client did not. Labels
// name the lab and the netbreak process that started it, so `netbreak clean`
// finds what a killed trace left, and nothing else.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { explainCommand, run } from '../../exec.js';
import { PreflightError } from '../../errors.js';
import type { CaptureProcess } from '../lab.js';
import { engineStatus, type ContainerEngine } from './docker.js';
import { CAPTURE_IMAGE, missingImages, pullImage } from './images.js';
import { CREATED_BY_LABEL, LAB_LABEL } from '../kube-api/labels.js';
import { processAlive } from '../../process-alive.js';

/** Which node container a capture container joined; only capture containers carry it. */
export const CAPTURE_LABEL = 'netbreak.dev/capture';
/** The netbreak process that started it: once that process is gone, the container is a leftover. */
export const OWNER_PID_LABEL = 'netbreak.dev/owner-pid';
export const CAPTURE_NAME_PREFIX = 'netbreak-capture-';

export interface CaptureContainerOptions {
  lab: string;
  cluster: string;
  /** The kind node container whose network namespace it joins (`netbreak-worker2`). */
  nodeContainer: string;
  /** An absolute folder, mounted at the same path, so the file tcpdump names is the file on this machine. */
  pcapDir: string;
}

/** `docker run` in the foreground for one tcpdump, and `docker rm -f` of the same container for when signalling the client is not enough. */
export function captureContainer(engine: ContainerEngine, options: CaptureContainerOptions, tcpdumpArgs: string[]): CaptureProcess {
  const name = `${CAPTURE_NAME_PREFIX}${options.cluster}-${randomBytes(3).toString('hex')}`;
  const labels = {
    [CREATED_BY_LABEL]: 'netbreak',
    [LAB_LABEL]: options.lab,
    [CAPTURE_LABEL]: options.nodeContainer,
    [OWNER_PID_LABEL]: String(process.pid),
  };
  return {
    argv: [
      engine,
      'run',
      '--rm',
      '--name',
      name,
      ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
      '--network',
      `container:${options.nodeContainer}`,
      // tcpdump opens a raw socket: docker grants NET_RAW by default, podman does not.
      '--cap-add',
      'NET_RAW',
      // The image was checked before the trace (ensureCaptureImage): a capture never waits for a download.
      '--pull',
      'never',
      '-v',
      `${options.pcapDir}:${options.pcapDir}`,
      CAPTURE_IMAGE,
      'tcpdump',
      ...tcpdumpArgs,
    ],
    forceStop: () => {
      explainCommand([engine, 'rm', '-f', name]);
      spawnSync(engine, ['rm', '-f', name], { stdio: 'ignore', timeout: 10_000 });
    },
  };
}

/** Pulls the capture image once when this machine lacks it; one that cannot get it is told what to do, naming the flag. */
export async function ensureCaptureImage(engine: ContainerEngine): Promise<void> {
  if ((await missingImages(engine, [CAPTURE_IMAGE])).length === 0) return;
  try {
    await pullImage(engine, CAPTURE_IMAGE);
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    throw new PreflightError(`--pcap: the capture image ${CAPTURE_IMAGE} is not on this machine, and ${error.message}; or trace without --pcap`);
  }
}

export interface CaptureContainerInfo {
  name: string;
  lab: string;
  /** The node container it joined. */
  node: string;
}

/**
 * Capture containers whose netbreak process is gone (a trace killed with -9, a
 * crash): only containers with netbreak's name, its created-by label and the
 * capture label. A trace still running keeps its own.
 */
export async function leftoverCaptureContainers(): Promise<{ engine: ContainerEngine; containers: CaptureContainerInfo[] }> {
  const status = await engineStatus().catch(() => undefined);
  if (!status?.ok) return { engine: 'docker', containers: [] };
  const engine = status.engine;
  const listed = await run([
    engine,
    'ps',
    '-a',
    '--filter',
    `label=${CREATED_BY_LABEL}=netbreak`,
    '--filter',
    `label=${CAPTURE_LABEL}`,
    '--format',
    '{{.Names}}',
  ]);
  const names =
    listed.exitCode === 0
      ? listed.stdout
          .split('\n')
          .map((n) => n.trim())
          .filter((n) => n.startsWith(CAPTURE_NAME_PREFIX))
      : [];
  if (names.length === 0) return { engine, containers: [] };
  // One line per container that still exists, `/name {labels}` (podman prints the name without its slash).
  const inspected = await run([engine, 'inspect', '--format', '{{.Name}} {{json .Config.Labels}}', ...names]);
  const containers: CaptureContainerInfo[] = [];
  for (const line of inspected.stdout.split('\n').filter(Boolean)) {
    const space = line.indexOf(' ');
    const name = line.slice(0, space).replace(/^\//, '');
    let labels: Record<string, string>;
    try {
      labels = (JSON.parse(line.slice(space + 1)) ?? {}) as Record<string, string>;
    } catch {
      continue;
    }
    if (!names.includes(name) || labels[CREATED_BY_LABEL] !== 'netbreak' || !labels[CAPTURE_LABEL]) continue;
    const owner = Number(labels[OWNER_PID_LABEL]);
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) continue;
    containers.push({ name, lab: labels[LAB_LABEL] ?? '', node: labels[CAPTURE_LABEL] });
  }
  return { engine, containers };
}

/** Removes them; returns the ones the engine says it removed (it prints each name). */
export async function removeCaptureContainers(engine: ContainerEngine, containers: CaptureContainerInfo[]): Promise<CaptureContainerInfo[]> {
  if (containers.length === 0) return [];
  const removed = new Set((await run([engine, 'rm', '-f', ...containers.map((c) => c.name)])).stdout.split('\n').map((l) => l.trim()));
  return containers.filter((c) => removed.has(c.name));
}
