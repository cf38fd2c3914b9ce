// The kubeconfig backend: an existing cluster (EKS, GKE, k3s …) named by an
// explicit --context, shared by a workshop. Each learner (--learner NAME) gets
// their own copies of a scenario's namespaces, labelled netbreak.dev/learner;
// nothing else in the cluster is changed, and teardown deletes only those.
import fs from 'node:fs';
import { kubeconfigCapabilities } from './capabilities.js';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Availability, Backend, CleanReport, UpOptions } from '../backend.js';
import { assertLabName, type ClusterLabRecord, ensureLabDir, labsOfBackend, readClusterRecord, readLabRecord, removeLabDir, writeLabRecord } from '../state.js';
import { ClusterAccessError, LabNotRunningError, PreflightError } from '../../errors.js';
import type { Progress } from '../progress.js';
import type { AccessAdvice } from '../kube-api/api-problems.js';
import { apiErrorText } from '../kube-api/api-problems.js';
import { KubeClient } from '../kube-api/kube-client.js';
import { LAB_LABEL } from '../kube-api/labels.js';
import { KubeconfigLab } from './kubeconfig-lab.js';
import { LEARNER_LABEL, LEARNER_PATTERN, NamespaceMap } from './namespaces.js';

export const kubeconfigTimeouts = { namespacesGoneMs: 3 * 60_000, pollMs: 1000 };

/** The kubeconfig file kubectl would read: --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfig(given?: string): string {
  if (given) return path.resolve(given);
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  return fromEnv ? path.resolve(fromEnv) : path.join(os.homedir(), '.kube', 'config');
}

function contextsOf(file: string): string[] {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc.getContexts().map((c) => c.name);
}

/** What to do when the shared cluster does not answer or refuses the credentials of the context. */
export function kubeconfigAdvice(file: string, context: string, exitCode: 3 | 4): AccessAdvice {
  return {
    what: `the API server of context ${context}`,
    unreachable: `check that the cluster is up and this machine reaches it ("kubectl --context ${context} get ns"; a VPN or tunnel?), then try again`,
    tls: `check the certificate-authority of context ${context} in ${file} ("kubectl --context ${context} get ns" shows the same)`,
    credentials: `renew the credentials of context ${context} in ${file} (log in to the cluster again), then check "kubectl --context ${context} auth can-i create namespaces"`,
    exitCode,
  };
}

/** A client of the shared cluster; `exitCode` 3 while the lab is being made, 4 once it runs. */
function client(file: string, context: string, exitCode: 3 | 4 = 3): KubeClient {
  let c: KubeClient;
  try {
    c = KubeClient.fromFile(file, context);
  } catch (error) {
    if (error instanceof ClusterAccessError) throw error;
    throw new PreflightError((error as Error).message);
  }
  c.pollMs = kubeconfigTimeouts.pollMs;
  c.advice = kubeconfigAdvice(file, context, exitCode);
  return c;
}

function labOf(record: ClusterLabRecord, c: KubeClient): KubeconfigLab {
  return new KubeconfigLab({ name: record.name, client: c, kubeconfigFile: record.kubeconfig, context: record.context!, learner: record.learner! });
}

/** This learner's namespaces that this lab created: recorded by the lab and labelled by it, both. */
async function ownNamespaces(c: KubeClient, record: ClusterLabRecord): Promise<string[]> {
  const map = new NamespaceMap(record.learner!);
  const wanted = new Set((record.namespaces ?? []).map((n) => map.toCluster(n)));
  const labelled = await c.list('Namespace', undefined, `${LEARNER_LABEL}=${record.learner},${LAB_LABEL}=${record.name}`);
  return labelled.map((n) => n.metadata.name).filter((n) => wanted.has(n));
}

export const kubeconfigBackend = {
  name: 'kubeconfig',
  capabilities: kubeconfigCapabilities,

  async available(): Promise<Availability> {
    const file = defaultKubeconfig();
    if (!fs.existsSync(file))
      return { ok: false, reason: `no kubeconfig at ${file}: point --kubeconfig FILE (or $KUBECONFIG) at one to use an existing cluster` };
    let contexts: string[];
    try {
      contexts = contextsOf(file);
    } catch (error) {
      return {
        ok: false,
        reason: `the kubeconfig ${file} cannot be read (${(error as Error).message.split('\n')[0]}): fix it or point --kubeconfig elsewhere`,
      };
    }
    if (contexts.length === 0) return { ok: false, reason: `the kubeconfig ${file} has no contexts: add one for the shared cluster` };
    return { ok: true, detail: `${file}: contexts ${contexts.join(', ')} (choose with --context NAME --learner NAME)` };
  },

  async up(lab: string, options: UpOptions, progress: Progress): Promise<KubeconfigLab> {
    assertLabName(lab);
    if (!options.context) throw new PreflightError('the kubeconfig backend needs --context NAME: netbreak never uses your current context on a shared cluster');
    if (!options.learner) throw new PreflightError('the kubeconfig backend needs --learner NAME: each learner works in their own namespaces (nb-NAME-…)');
    if (!LEARNER_PATTERN.test(options.learner))
      throw new PreflightError(`learner name "${options.learner}" is not valid: use 1–20 lower-case letters, digits and dashes`);
    const existing = readLabRecord(lab);
    if (existing)
      throw new PreflightError(`a lab named "${lab}" already exists (${existing.backend ?? 'netns'}): stop it with "netbreak stop --lab ${lab}" first`);
    const file = defaultKubeconfig(options.kubeconfig);
    if (!fs.existsSync(file)) throw new PreflightError(`no kubeconfig at ${file}: give one with --kubeconfig FILE`);
    const c = client(file, options.context);
    const record: ClusterLabRecord = {
      name: lab,
      backend: 'kubeconfig',
      createdAt: new Date().toISOString(),
      kubeconfig: file,
      context: options.context,
      learner: options.learner,
      namespaces: [],
    };
    await progress.step(`Connecting to context ${options.context} as learner ${options.learner}`, async () => {
      try {
        const taken = await c.list('Namespace', undefined, `${LEARNER_LABEL}=${options.learner}`);
        if (taken.length) {
          throw new PreflightError(
            `learner ${options.learner} already has namespaces on this cluster (${taken.map((n) => n.metadata.name).join(', ')}): stop that lab first, or pick another --learner name`,
          );
        }
      } catch (error) {
        if (error instanceof PreflightError || error instanceof ClusterAccessError) throw error;
        throw new PreflightError(
          `the cluster of context ${options.context} does not answer as expected (${apiErrorText(error)}): check "kubectl --context ${options.context} get ns"`,
        );
      }
    });
    ensureLabDir(lab);
    writeLabRecord(record);
    options.created?.();
    return labOf(record, c);
  },

  async attach(lab: string): Promise<KubeconfigLab> {
    const record = readClusterRecord(lab, 'kubeconfig');
    if (!record)
      throw new LabNotRunningError(
        `no kubeconfig lab named "${lab}" is running: start one with "netbreak start <scenario> --backend kubeconfig --context NAME --learner NAME"`,
      );
    let c: KubeClient;
    try {
      c = client(record.kubeconfig, record.context!, 4);
    } catch (error) {
      throw new LabNotRunningError((error as Error).message);
    }
    return labOf(record, c);
  },

  /** Deletes this learner's namespaces that this lab created, and nothing else. */
  async down(lab: string): Promise<CleanReport> {
    const record = readClusterRecord(lab, 'kubeconfig');
    const removed: string[] = [];
    if (record) {
      const c = client(record.kubeconfig, record.context!, 4);
      const namespaces = await ownNamespaces(c, record);
      for (const ns of namespaces) {
        await c.delete({ kind: 'Namespace', name: ns });
        removed.push(`namespace ${ns}`);
      }
      const until = Date.now() + kubeconfigTimeouts.namespacesGoneMs;
      for (const ns of namespaces) {
        while (await c.get({ kind: 'Namespace', name: ns })) {
          if (Date.now() > until)
            throw new ClusterAccessError(
              `namespace ${ns} is still terminating after ${Math.round(kubeconfigTimeouts.namespacesGoneMs / 1000)} s: check "kubectl --context ${record.context} get ns ${ns} -o yaml" for stuck finalizers`,
              4,
            );
          await new Promise((r) => setTimeout(r, kubeconfigTimeouts.pollMs));
        }
      }
    }
    const dir = removeLabDir(lab);
    if (dir) removed.push(dir);
    return { lab, removed };
  },

  labs: async () => labsOfBackend('kubeconfig'),
  leftovers: async () => labsOfBackend('kubeconfig'),
} satisfies Backend;
