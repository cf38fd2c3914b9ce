// The `kind` CLI, through src/exec.ts like every subprocess. netbreak always
// passes its own --kubeconfig file, so the user's kubeconfig and current
// context are never read or changed.
import { CommandFailedError, MissingBinaryError, run, runOk, type ExecResult } from '../../exec.js';
import { ClusterAccessError, PreflightError } from '../../errors.js';
import type { ContainerEngine } from './docker.js';

/** kindnet enforces NetworkPolicy from v0.24.0 on, and the scenarios rely on it. */
export const KIND_MIN_VERSION: readonly [number, number, number] = [0, 24, 0];
export const KIND_INSTALL_URL = 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation';
export const KIND_INSTALL_SENTENCE = `install kind v0.24+ from ${KIND_INSTALL_URL}`;

const NO_CLUSTERS = 'No kind clusters found.';
/** Creating a three-node cluster takes a minute or two; the first one also pulls the node image. */
const CREATE_TIMEOUT_MS = 15 * 60_000;
const DELETE_TIMEOUT_MS = 3 * 60_000;

export type KindVersion = { ok: true; version: string } | { ok: false; reason: string };

/** `kind v0.24.0 go1.22.6 linux/amd64` → [0, 24, 0]. */
export function parseKindVersion(text: string): [number, number, number] | undefined {
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function versionAtLeast(have: readonly number[], want: readonly number[]): boolean {
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  }
  return true;
}

/** The kind binary to run: podman needs kind's provider switch, set on the command line so --explain shows it. */
export function kindArgv(engine: ContainerEngine | undefined, args: string[]): string[] {
  return engine === 'podman' ? ['env', 'KIND_EXPERIMENTAL_PROVIDER=podman', 'kind', ...args] : ['kind', ...args];
}

export async function kindVersion(): Promise<KindVersion> {
  let out: string;
  try {
    out = await runOk(['kind', 'version'], { timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof MissingBinaryError) return { ok: false, reason: `kind is not installed: ${KIND_INSTALL_SENTENCE}` };
    if (error instanceof CommandFailedError)
      return { ok: false, reason: `"kind version" failed (${error.result.stderr.trim() || `exit ${error.result.exitCode}`}): ${KIND_INSTALL_SENTENCE}` };
    throw error;
  }
  const version = parseKindVersion(out);
  if (!version) return { ok: false, reason: `"kind version" printed "${out.trim()}", which netbreak cannot read: ${KIND_INSTALL_SENTENCE}` };
  const text = `v${version.join('.')}`;
  if (!versionAtLeast(version, KIND_MIN_VERSION)) {
    return { ok: false, reason: `kind ${text} is too old (its kindnet does not enforce NetworkPolicy): ${KIND_INSTALL_SENTENCE}` };
  }
  return { ok: true, version: text };
}

/** Names of the kind clusters on this machine (empty when there are none, or kind is missing). */
export async function getClusters(engine?: ContainerEngine): Promise<string[]> {
  let result: ExecResult;
  try {
    result = await run(kindArgv(engine, ['get', 'clusters']), { timeoutMs: 30_000 });
  } catch (error) {
    if (error instanceof MissingBinaryError) return [];
    throw error;
  }
  if (result.exitCode !== 0) {
    // kind lists clusters by asking the container engine: this fails when Docker is stopped or refuses this user.
    throw new ClusterAccessError(
      `"kind get clusters" failed (${kindErrorLine(result.stderr) || `exit ${result.exitCode}`}): check that ${engine ?? 'docker'} is running ("${engine ?? 'docker'} info"), then try again`,
      3,
      {
        cause: new CommandFailedError(kindArgv(engine, ['get', 'clusters']), result),
      },
    );
  }
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== NO_CLUSTERS);
}

/** kind failed to make the cluster: a sentence for the learner (exit 3, this machine cannot run the lab), not a bug. */
class KindCreateError extends PreflightError {}

/** kind reports progress on stderr and its reason on the last `ERROR:` line, which is the one worth showing. */
export function kindErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (lines.filter((l) => l.startsWith('ERROR:')).at(-1) ?? lines.at(-1) ?? '').replace(/^ERROR:\s*/, '');
}

export async function createCluster(name: string, configFile: string, kubeconfigFile: string, engine?: ContainerEngine): Promise<void> {
  try {
    await runOk(kindArgv(engine, ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfigFile]), {
      timeoutMs: CREATE_TIMEOUT_MS,
    });
  } catch (error) {
    if (error instanceof CommandFailedError) {
      throw new KindCreateError(
        `kind could not create cluster ${name} (${kindErrorLine(error.result.stderr) || `exit ${error.result.exitCode}`}): run "netbreak doctor", and see "kind create cluster" in kind's known issues`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The cluster's kubeconfig, as text; netbreak writes it to its own file. */
export async function getKubeconfig(name: string, engine?: ContainerEngine): Promise<string> {
  return runOk(kindArgv(engine, ['get', 'kubeconfig', '--name', name]), { timeoutMs: 30_000 });
}

export async function deleteCluster(name: string, kubeconfigFile: string, engine?: ContainerEngine): Promise<void> {
  await runOk(kindArgv(engine, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigFile]), { timeoutMs: DELETE_TIMEOUT_MS });
}
