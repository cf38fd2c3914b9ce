// The kind backend: a real three-node cluster made by the kind CLI and driven
// through the Kubernetes API. One cluster per lab (the default lab, and so the
// default cluster, is `netbreak`), reused from one scenario to the next: a new
// start deletes the previous scenario's namespaces instead of the cluster.
// netbreak changes only clusters it created: their nodes carry the label
// netbreak.dev/created-by=netbreak (set by clusters/kind-default.yaml) and the
// lab records that its up() created them.
import fs from 'node:fs';
import { kindCapabilities } from './capabilities.js';
import { fileURLToPath } from 'node:url';
import { CommandFailedError } from '../../exec.js';
import type { Backend, CleanReport, InventorySection, UpOptions } from '../backend.js';
import {
  assertLabName,
  type ClusterLabRecord,
  ensureLabDir,
  kubeconfigFileOf,
  LAB_NAME_PATTERN,
  labsOfBackend,
  readClusterRecord,
  readLabRecord,
  removeLabDir,
  writeLabRecord,
} from '../state.js';
import { ClusterAccessError, LabNotRunningError, leftForClean, PreflightError } from '../../errors.js';
import type { AccessAdvice } from '../kube-api/api-problems.js';
import type { Progress } from '../progress.js';
import { leftoverCaptureContainers, removeCaptureContainers } from './capture-container.js';
import { engineStatus, type ContainerEngine } from './docker.js';
import { kindAvailability, kindBackendAvailability } from './availability.js';
import { createCluster, deleteCluster, getClusters, getKubeconfig, kindErrorLine } from './kind-cli.js';
import { apiErrorText } from '../kube-api/api-problems.js';
import { KubeClient } from '../kube-api/kube-client.js';
import { clusterMadeByNetbreak, createdByNetbreak, refusal } from './cluster-owner.js';
import { kindImagePreload } from './image-preload.js';
import { kindInventory } from './inventory.js';
import { KindLab } from './kind-lab.js';
import { LAB_LABEL } from '../kube-api/labels.js';

export const KIND_CONFIG = fileURLToPath(new URL('../../../clusters/kind-default.yaml', import.meta.url));

/** How long the pieces take; tests shorten them. */
export const kindTimeouts = { readyMs: 5 * 60_000, namespacesGoneMs: 3 * 60_000, pollMs: 1000 };

export const SYSTEM_WORKLOADS = [
  { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
  { kind: 'DaemonSet', namespace: 'kube-system', name: 'kindnet' },
];

/** What to do when the kind cluster's API server does not answer or refuses netbreak's kubeconfig. */
export function kindAdvice(cluster: string, file: string, exitCode: 3 | 4): AccessAdvice {
  return {
    what: `kind cluster ${cluster}'s API server`,
    unreachable: `check that Docker is running and "kind get clusters" lists ${cluster}, then run "netbreak clean" and start again`,
    tls: `netbreak's kubeconfig for it (${file}) no longer fits the cluster (was it made again outside netbreak?): run "netbreak clean" and start again`,
    credentials: `netbreak's kubeconfig for it (${file}) no longer fits the cluster (was it made again outside netbreak?): run "netbreak clean" and start again`,
    exitCode,
  };
}

/** A client of the lab's cluster; `exitCode` 3 while the lab is being made, 4 once it runs. */
function client(file: string, cluster: string, exitCode: 3 | 4 = 3): KubeClient {
  const c = KubeClient.fromFile(file);
  c.pollMs = kindTimeouts.pollMs;
  c.advice = kindAdvice(cluster, file, exitCode);
  return c;
}

/**
 * kind says it made the cluster but its kubeconfig is not there (kind could not
 * write it, or something removed it): ask kind for it again, and say so in one
 * sentence when kind cannot give it either.
 */
async function ensureKubeconfig(cluster: string, file: string, engine: ContainerEngine | undefined, exitCode: 3 | 4): Promise<void> {
  if (fs.existsSync(file)) return;
  try {
    writeKubeconfig(file, await getKubeconfig(cluster, engine));
  } catch (error) {
    const why = error instanceof CommandFailedError ? kindErrorLine(error.result.stderr) || `exit ${error.result.exitCode}` : (error as Error).message;
    throw new ClusterAccessError(
      `kind cluster ${cluster} has no kubeconfig at ${file}, and "kind get kubeconfig --name ${cluster}" failed (${why}): check that Docker is running and "kind get clusters" lists ${cluster}, then run "netbreak clean" and start again`,
      exitCode,
      { cause: error },
    );
  }
}

function writeKubeconfig(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/** Deletes this lab's namespaces and waits until they are gone, so the next scenario starts on a clean cluster. */
export async function resetLabNamespaces(c: KubeClient, lab: string, progress?: (s: string) => void): Promise<string[]> {
  const selector = `${LAB_LABEL}=${lab}`;
  const namespaces = await c.list('Namespace', undefined, selector);
  for (const ns of namespaces) await c.delete({ kind: 'Namespace', name: ns.metadata.name });
  if (namespaces.length) await c.waitGone('Namespace', selector, kindTimeouts.namespacesGoneMs, progress);
  return namespaces.map((n) => n.metadata.name);
}

async function waitForCluster(c: KubeClient, progress: Progress): Promise<void> {
  await progress.step('Waiting for nodes, CoreDNS and kube-proxy', async (update) => {
    const nodes = await c.list('Node');
    await c.waitReady([...nodes.map((n) => ({ kind: 'Node', name: n.metadata.name })), ...SYSTEM_WORKLOADS], kindTimeouts.readyMs, update);
  });
}

function labOf(record: ClusterLabRecord, c: KubeClient): KindLab {
  return new KindLab({
    name: record.name,
    client: c,
    kubeconfigFile: record.kubeconfig,
    context: record.context,
    cluster: record.cluster ?? record.name,
    engine: record.engine,
  });
}

export const kindBackend = {
  name: 'kind',
  capabilities: kindCapabilities,

  available: kindBackendAvailability,

  async up(lab: string, options: UpOptions, progress: Progress): Promise<KindLab> {
    assertLabName(lab);
    const availability = await kindAvailability();
    if (!availability.ok) throw new PreflightError(availability.reason);
    const engine = availability.engine;
    const existing = readLabRecord(lab);
    if (existing) {
      throw new PreflightError(`a lab named "${lab}" already exists (${existing.backend ?? 'netns'}): stop it with "netbreak stop --lab ${lab}" first`);
    }
    const cluster = lab;
    const kubeconfig = kubeconfigFileOf(lab);
    const record: ClusterLabRecord = {
      name: lab,
      backend: 'kind',
      createdAt: new Date().toISOString(),
      kubeconfig,
      context: `kind-${cluster}`,
      cluster,
      ...(engine ? { engine } : {}),
      createdCluster: false,
    };
    let creating = false;
    try {
      ensureLabDir(lab);
      const clusters = await getClusters(engine);
      let c: KubeClient;
      if (clusters.includes(cluster)) {
        writeKubeconfig(kubeconfig, await getKubeconfig(cluster, engine));
        c = client(kubeconfig, cluster);
        if (!(await createdByNetbreak(c))) throw refusal(cluster);
        writeLabRecord(record);
        options.created?.();
        await progress.step(`Reusing kind cluster ${cluster}: removing the previous scenario's namespaces`, (update) => resetLabNamespaces(c, lab, update));
      } else {
        writeLabRecord({ ...record, createdCluster: true });
        options.created?.();
        creating = true;
        await progress.step(`Creating kind cluster ${cluster} (1 control plane, 2 workers; a minute or two, longer the first time)`, () =>
          createCluster(cluster, KIND_CONFIG, kubeconfig, engine),
        );
        await ensureKubeconfig(cluster, kubeconfig, engine, 3);
        c = client(kubeconfig, cluster);
      }
      await waitForCluster(c, progress);
      return labOf(readClusterRecord(lab, 'kind')!, c);
    } catch (error) {
      if (creating) {
        // kind removes a cluster whose creation failed; one that came up but never became ready is ours to delete.
        // When that fails too (Docker stopped), the lab's record stays so that `clean` finds the cluster, and the error names it.
        try {
          if ((await getClusters(engine)).includes(cluster)) await deleteCluster(cluster, kubeconfig, engine);
        } catch {
          throw leftForClean(error, `kind cluster ${cluster} (lab ${lab})`);
        }
      }
      removeLabDir(lab);
      throw error;
    }
  },

  async attach(lab: string): Promise<KindLab> {
    const record = readClusterRecord(lab, 'kind');
    if (!record) throw new LabNotRunningError(`no kind lab named "${lab}" is running: start one with "netbreak start <scenario> --backend kind"`);
    const cluster = record.cluster ?? lab;
    let c: KubeClient;
    try {
      await ensureKubeconfig(cluster, record.kubeconfig, record.engine, 4);
      c = client(record.kubeconfig, cluster, 4);
      await c.list('Node');
    } catch (error) {
      throw new LabNotRunningError(
        error instanceof ClusterAccessError
          ? error.message
          : `kind cluster ${cluster} does not answer (${apiErrorText(error)}): check that Docker is running, then run "netbreak clean" to remove what is left`,
      );
    }
    return labOf(record, c);
  },

  /** Deletes the lab's kind cluster, only when netbreak created it. The CLI asks first. */
  async down(lab: string): Promise<CleanReport> {
    const record = readClusterRecord(lab, 'kind');
    const cluster = record?.cluster ?? lab;
    const engine = record?.engine ?? (await engineStatus().then((e) => (e.ok ? e.engine : undefined)));
    const removed: string[] = [];
    const clusters = await getClusters(engine);
    if (clusters.includes(cluster)) {
      const kubeconfig = record?.kubeconfig ?? kubeconfigFileOf(lab);
      ensureLabDir(lab);
      writeKubeconfig(kubeconfig, await getKubeconfig(cluster, engine));
      let ours: boolean;
      try {
        ours = await createdByNetbreak(client(kubeconfig, cluster));
      } catch {
        // A stopped cluster cannot show its labels: then only netbreak's own record of creating it counts.
        ours = record?.createdCluster === true;
      }
      if (!ours) {
        if (!record) removeLabDir(lab);
        throw refusal(cluster);
      }
      await deleteCluster(cluster, kubeconfig, engine);
      removed.push(`kind cluster ${cluster}`);
    }
    const dir = removeLabDir(lab);
    if (dir) removed.push(dir);
    return { lab, removed };
  },

  /**
   * Ends the lab but keeps its cluster for the next start: the lab's namespaces
   * and its folder go. A cluster that is not there (a start interrupted while
   * kind was creating it) leaves only the folder to remove.
   */
  async release(lab: string): Promise<CleanReport> {
    const record = readClusterRecord(lab, 'kind');
    const removed: string[] = [];
    if (record) {
      const cluster = record.cluster ?? lab;
      const problem = (error: unknown) =>
        new PreflightError(
          `could not remove lab ${lab}'s namespaces from kind cluster ${cluster} (${apiErrorText(error).split('\n')[0]}): is Docker running? "netbreak clean" deletes the cluster if it is broken`,
          { cause: error },
        );
      let present: boolean;
      try {
        present = (await getClusters(record.engine)).includes(cluster);
      } catch (error) {
        throw problem(error);
      }
      if (present) {
        try {
          if (!fs.existsSync(record.kubeconfig)) writeKubeconfig(record.kubeconfig, await getKubeconfig(cluster, record.engine));
          const namespaces = await resetLabNamespaces(client(record.kubeconfig, cluster, 4), lab);
          removed.push(...namespaces.map((n) => `namespace ${n} (kind cluster ${cluster} is kept for the next scenario)`));
        } catch (error) {
          throw problem(error);
        }
      }
    }
    const dir = removeLabDir(lab);
    if (dir) removed.push(dir);
    return { lab, removed };
  },

  labs: async () => labsOfBackend('kind'),

  /** Capture containers a killed `trace --pcap` left beside a kind node; `clean` removes them before the cluster they joined. */
  async removeStrays(): Promise<CleanReport[]> {
    const captures = await leftoverCaptureContainers();
    const removed = await removeCaptureContainers(captures.engine, captures.containers);
    return removed.map((c) => ({ lab: c.lab, removed: [`capture container ${c.name} (tcpdump in the network namespace of ${c.node})`] }));
  },

  images: kindImagePreload,

  async inventory(): Promise<InventorySection[]> {
    return kindInventory(await this.leftovers());
  },

  /** Kind labs on this machine, and kind clusters netbreak created whose lab folder is gone (after a reboot or a crash). */
  async leftovers(): Promise<string[]> {
    const labs = new Set(labsOfBackend('kind'));
    const engine = await engineStatus().catch(() => undefined);
    if (!engine?.ok) return [...labs].sort();
    let clusters: string[] = [];
    try {
      clusters = await getClusters(engine.engine);
    } catch {
      return [...labs].sort();
    }
    for (const cluster of clusters) {
      if (labs.has(cluster) || readLabRecord(cluster) || !LAB_NAME_PATTERN.test(cluster)) continue;
      if (await clusterMadeByNetbreak(cluster, engine.engine)) labs.add(cluster);
    }
    return [...labs].sort();
  },
} satisfies Backend;
