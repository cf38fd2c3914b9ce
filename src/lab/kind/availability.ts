// Whether this machine can run kind labs: a container engine, kind and kubectl.
// Apart from the backend (./backend.ts), so that `--backend auto` can ask without
// loading the Kubernetes client the backend is built on.
import { run, MissingBinaryError } from '../../exec.js';
import type { Availability } from '../backend.js';
import { engineStatus, type ContainerEngine } from './docker.js';
import { kindVersion } from './kind-cli.js';

const KUBECTL_INSTALL = 'install kubectl from https://kubernetes.io/docs/tasks/tools/';

async function kubectlPresent(): Promise<boolean> {
  try {
    return (await run(['kubectl', 'version', '--client'], { timeoutMs: 10_000 })).exitCode === 0;
  } catch (error) {
    if (error instanceof MissingBinaryError) return false;
    throw error;
  }
}

export async function kindAvailability(): Promise<Availability & { engine?: ContainerEngine }> {
  const engine = await engineStatus();
  if (!engine.ok) return { ok: false, reason: engine.reason };
  const kind = await kindVersion();
  if (!kind.ok) return { ok: false, reason: kind.reason };
  if (!(await kubectlPresent())) return { ok: false, reason: `kubectl is missing (pod shells and probes use it): ${KUBECTL_INSTALL}` };
  return { ok: true, detail: `kind ${kind.version}, ${engine.engine} ${engine.version}`, engine: engine.engine };
}

/** The same as the Backend contract states it: which engine was found is the backend's own business. */
export async function kindBackendAvailability(): Promise<Availability> {
  const a = await kindAvailability();
  return a.ok ? { ok: true, detail: a.detail } : { ok: false, reason: a.reason };
}
