// The embedded netns backend: checks the machine, creates a lab (fabric, nodes,
// supervisor, kube-system) step by step, and removes it by name.
import { spawn } from 'node:child_process';
import { netnsCapabilities } from './capabilities.js';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Availability, Backend, CleanReport, UpOptions } from '../backend.js';
import { assertLabName } from '../state.js';
import { LabNotRunningError, PreflightError } from '../../errors.js';
import type { ObjectRef } from '../../k8s/objects.js';
import type { Progress } from '../progress.js';
import { LAB_BINARIES, missingSentence } from '../host-packages.js';
import { setnsUnavailable } from './agent/enter-netns.js';
import { callSupervisor } from './api-client.js';
import { findLeftovers, holdBuildLock, labsInStateRoot, labsWithLeftovers, labsWithNamespaces, removeLab } from './cleanup.js';
import { createFabric, createNode } from './fabric.js';
import { LEAN_NODE_FLAGS } from './lean-node.js';
import { fabricNetns, labFiles, netnsPath } from './names.js';
import { NetnsLab } from './netns-lab.js';
import { loadTopology } from './topology.js';

const SUPERVISOR_MAIN = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
/** The lab's own workloads, which every lab runs before any of the learner's. */
const SYSTEM_WORKLOADS: ObjectRef[] = [
  { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
];
export const DEFAULT_TOPOLOGY = fileURLToPath(new URL('../../../clusters/netns-default.yaml', import.meta.url));

export async function netnsAvailability(): Promise<Availability> {
  if (process.platform !== 'linux') return { ok: false, reason: 'the netns lab needs Linux network namespaces: use the kind backend on this machine (--backend kind)' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'the netns lab creates network namespaces and needs root: run netbreak with sudo (or as root)' };
  const missing = missingSentence('the netns lab', LAB_BINARIES);
  if (missing) return { ok: false, reason: missing };
  const setns = await setnsUnavailable();
  if (setns) return { ok: false, reason: setns };
  return { ok: true, detail: 'root, iproute2 and iptables present, setns(2) callable' };
}

async function waitForSupervisor(lab: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      await callSupervisor(labFiles(lab).socket, 'GET', '/v1/health', undefined, 2000);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const log = fs.existsSync(labFiles(lab).log) ? fs.readFileSync(labFiles(lab).log, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  throw new Error(`the lab supervisor did not start: ${log || (lastError as Error)?.message}`);
}

export interface NetnsUpOptions extends UpOptions {
  /**
   * Called once the lab's state folder exists, before any namespace is made: the
   * engine writes its session there first, so a crash from then on leaves a
   * journal for `clean` and `reset` to find.
   */
  created?: () => void;
}

export const netnsBackend = {
  name: 'netns',
  capabilities: netnsCapabilities,

  available: netnsAvailability,

  async up(lab: string, options: NetnsUpOptions, progress: Progress): Promise<NetnsLab> {
    assertLabName(lab);
    const availability = await netnsAvailability();
    if (!availability.ok) throw new PreflightError(availability.reason);
    const exists = () => new PreflightError(`a lab named "${lab}" already exists: stop it with "netbreak stop" (or "netbreak lab down --name ${lab}") first`);
    if (labsInStateRoot().includes(lab) || (await labsWithNamespaces()).includes(lab)) throw exists();
    // Held while the lab is built, so that `clean` from another state folder does not take it for a crashed lab.
    const releaseBuildLock = await holdBuildLock(lab);
    if (!releaseBuildLock) throw exists();
    const topology = loadTopology(DEFAULT_TOPOLOGY, options.workers);
    const files = labFiles(lab);
    try {
      fs.mkdirSync(files.pods, { recursive: true });
      fs.writeFileSync(files.lab, JSON.stringify({ name: lab, backend: 'netns', createdAt: new Date().toISOString(), topology }, null, 2));
      options.created?.();
      await progress.step(`Preparing nodes (${topology.nodes.map((n) => n.name).join(', ')})`, async () => {
        await createFabric(lab, topology);
        await Promise.all(topology.nodes.map((node) => createNode(lab, topology, node)));
      });
      await progress.step(`Starting control plane and the node network's DNS (${topology.fabricIP})`, async () => {
        const log = fs.openSync(files.log, 'a');
        // The supervisor runs in the fabric namespace, the lab's "host", where it also answers as the node
        // network's DNS server (upstream-dns.ts). nsenter changes only the network namespace: `ip netns exec`
        // would give it a private mount namespace, in which the namespaces it adds for pods would stay unseen.
        // The lab file's path in its arguments lets cleanup find this process by the lab's folder even before it writes its pid file.
        const argv = [`--net=${netnsPath(fabricNetns(lab))}`, process.execPath, ...LEAN_NODE_FLAGS, SUPERVISOR_MAIN, lab, files.lab];
        const child = spawn('nsenter', argv, { detached: true, stdio: ['ignore', log, log] });
        child.unref();
        fs.closeSync(log);
        await waitForSupervisor(lab, 10_000);
      });
      const instance = new NetnsLab(lab);
      if (options.systemReadyWithFirstWait) instance.waitForSystemWithFirst(SYSTEM_WORKLOADS);
      else await progress.step('Starting CoreDNS and kube-proxy', (update) => instance.waitReady(SYSTEM_WORKLOADS, 30_000, update));
      return instance;
    } catch (error) {
      await removeLab(lab);
      throw error;
    } finally {
      releaseBuildLock();
    }
  },

  async attach(lab: string): Promise<NetnsLab> {
    const instance = new NetnsLab(lab);
    try {
      await instance.health();
    } catch {
      const leftovers = await findLeftovers(lab);
      const crashed = leftovers.namespaces.length > 0 || leftovers.stateDir;
      throw new LabNotRunningError(
        crashed
          ? `the lab "${lab}" is not running any more (its supervisor is gone): run "netbreak clean" to remove what is left, then start again`
          : `no lab named "${lab}" is running: start one with "netbreak start <scenario>" or "netbreak lab up"`,
      );
    }
    return instance;
  },

  async down(lab: string): Promise<CleanReport> {
    const removed = await removeLab(lab);
    return {
      lab,
      removed: [
        ...(removed.supervisor ? [`supervisor process ${removed.supervisor}`] : []),
        ...removed.processes.map((p) => `process ${p} (inside the lab's namespaces)`),
        ...removed.namespaces.map((n) => `network namespace ${n}`),
        ...removed.etcNetns,
        ...(removed.stateDir ? [removed.stateDir] : []),
      ],
    };
  },

  labs: async () => labsInStateRoot(),
  leftovers: labsWithLeftovers,
} satisfies Backend;
