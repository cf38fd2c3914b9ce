// The container engine kind runs its nodes in: is it up (docker, else podman),
// and `docker exec` into a node container for node-level steps and shells.
import { MissingBinaryError, run } from '../../exec.js';
import { ClusterAccessError } from '../../errors.js';
import type { ExecResult } from '../../exec.js';
import type { ContainerEngine } from '../state.js';

export type { ContainerEngine };

export type EngineStatus = { ok: true; engine: ContainerEngine; version: string } | { ok: false; reason: string };

const DOCKER_INSTALL = 'install Docker (https://docs.docker.com/engine/install/) or podman';

async function info(engine: ContainerEngine, format: string): Promise<ExecResult | undefined> {
  try {
    return await run([engine, 'info', '--format', format], { timeoutMs: 20_000 });
  } catch (error) {
    if (error instanceof MissingBinaryError) return undefined;
    throw error;
  }
}

function whyDown(engine: ContainerEngine, stderr: string): string {
  const text = stderr.trim().split('\n')[0] ?? '';
  if (/permission denied/i.test(stderr)) {
    return `${engine} is installed but this user may not use it (${text}): add yourself to the docker group ("sudo usermod -aG docker $USER", then log in again) or run netbreak with sudo`;
  }
  if (engine === 'docker')
    return `docker is installed but its engine is not running (${text}): start it ("sudo systemctl start docker", or open Docker Desktop)`;
  return `podman is installed but does not answer (${text}): check "podman info"`;
}

/** Docker first, as kind does; podman when there is no docker binary at all or docker is down and podman answers. */
export async function engineStatus(): Promise<EngineStatus> {
  const docker = await info('docker', '{{.ServerVersion}}');
  if (docker?.exitCode === 0) return { ok: true, engine: 'docker', version: docker.stdout.trim() };
  const podman = await info('podman', '{{.Version.Version}}');
  if (podman?.exitCode === 0) return { ok: true, engine: 'podman', version: podman.stdout.trim() };
  if (docker) return { ok: false, reason: whyDown('docker', docker.stderr) };
  if (podman) return { ok: false, reason: whyDown('podman', podman.stderr) };
  return { ok: false, reason: `neither docker nor podman is installed: ${DOCKER_INSTALL}` };
}

export function execArgv(engine: ContainerEngine, container: string, argv: string[], interactive = false): string[] {
  return [engine, 'exec', ...(interactive ? ['-it'] : []), container, ...argv];
}

/** What the docker and podman clients print when their engine does not answer (stopped, or its socket gone). */
const ENGINE_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|Cannot connect to Podman/i;

/**
 * A command in a node container. When the engine itself stopped answering the
 * command never ran, which is not the command's own failure: that is one
 * sentence for the user (the lab died), not a result for the fault to judge.
 */
export async function nodeExec(engine: ContainerEngine, container: string, argv: string[]): Promise<ExecResult> {
  const result = await run(execArgv(engine, container, argv), { timeoutMs: 60_000 });
  if (result.exitCode !== 0 && ENGINE_DOWN.test(result.stderr)) {
    const line = result.stderr.trim().split('\n')[0];
    throw new ClusterAccessError(
      `${engine} stopped answering while netbreak ran a command in node ${container} (${line}): start it again, then run "netbreak clean" and start the scenario again`,
      4,
    );
  }
  return result;
}
