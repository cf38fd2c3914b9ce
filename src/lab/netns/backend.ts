// The embedded netns backend: checks the machine, starts a lab (its holder and
// supervisor in namespaces of their own, then kube-system) and removes it by name.
// Root and ordinary users run labs the same way (holder.ts).
import { netnsCapabilities } from './capabilities.js';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Availability, Backend, CleanReport, UpOptions } from '../backend.js';
import { assertLabName, stateRoot } from '../state.js';
import { LabNotRunningError, PreflightError } from '../../errors.js';
import type { ObjectRef } from '../../k8s/objects.js';
import type { Progress } from '../progress.js';
import { LAB_BINARIES, missingSentence } from '../host-packages.js';
import { setnsUnavailable } from './agent/enter-netns.js';
import { callSupervisor } from './api-client.js';
import { findLeftovers, labsInStateRoot, labsWithLeftovers, removeLab } from './cleanup.js';
import { enterUnsupported, writeJoiner } from './enter-lab.js';
import { alive, startHolder } from './holder.js';
import { bindHostSocket } from './api-server/host-socket.js';
import { labFiles } from './names.js';
import { NetnsLab } from './netns-lab.js';
import { loadTopology } from './topology.js';
import { userNamespaceProblem } from './userns-check.js';
import { netnsInventory } from './inventory.js';

const SUPERVISOR_MAIN = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
/** The lab's own workloads, which every lab runs before any of the learner's. */
const SYSTEM_WORKLOADS: ObjectRef[] = [
  { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
];
export const DEFAULT_TOPOLOGY = fileURLToPath(new URL('../../../clusters/netns-default.yaml', import.meta.url));
/** The same cluster with kube-proxy in nftables mode. */
export const NFTABLES_TOPOLOGY = fileURLToPath(new URL('../../../clusters/netns-nftables.yaml', import.meta.url));

export async function netnsAvailability(): Promise<Availability> {
  if (process.platform !== 'linux')
    return { ok: false, reason: 'the netns lab needs Linux network namespaces: use the kind backend on this machine (--backend kind)' };
  const arch = enterUnsupported();
  if (arch) return { ok: false, reason: arch };
  const missing = missingSentence('the netns lab', LAB_BINARIES);
  if (missing) return { ok: false, reason: missing };
  const userns = await userNamespaceProblem();
  if (userns) return { ok: false, reason: userns };
  const setns = await setnsUnavailable();
  if (setns) return { ok: false, reason: setns };
  const who = process.getuid?.() === 0 ? 'root' : 'an ordinary user';
  return { ok: true, detail: `user namespaces allowed for ${who}, iproute2 and iptables present, setns(2) callable` };
}

/** Waits for the supervisor's socket to answer; fails early, with the last lines of its log, when the holder ends first. */
async function waitForSupervisor(lab: string, holder: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < until) {
    try {
      await callSupervisor(labFiles(lab).socket, 'GET', '/v1/health', undefined, 2000);
      return;
    } catch (error) {
      lastError = error;
      if (!alive(holder)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const log = fs.existsSync(labFiles(lab).log) ? fs.readFileSync(labFiles(lab).log, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  throw new Error(`the lab supervisor did not start: ${log || (lastError as Error)?.message}`);
}

/** Makes the lab's state folder, private to its owner; false when it exists (a lab of that name is there). */
function makeLabDir(lab: string): boolean {
  const dir = labFiles(lab).dir;
  const labs = `${stateRoot()}/labs`;
  fs.mkdirSync(labs, { recursive: true, mode: 0o700 });
  // Made by an older version (0755): the names of one's labs are nobody else's business either. Only
  // netbreak's own `labs` folder is tightened, never the state root, which NETBREAK_STATE_DIR may point anywhere.
  const stat = fs.statSync(labs);
  if (stat.uid === process.getuid?.() && (stat.mode & 0o077) !== 0) fs.chmodSync(labs, stat.mode & 0o700);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  fs.mkdirSync(labFiles(lab).pods, { mode: 0o700 });
  return true;
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
    if (options.kubeProxyMode === 'nftables') {
      const missing = missingSentence('kube-proxy in nftables mode', ['nft']);
      if (missing) throw new PreflightError(missing);
    }
    const topology = loadTopology(options.kubeProxyMode === 'nftables' ? NFTABLES_TOPOLOGY : DEFAULT_TOPOLOGY, options.workers);
    if (!makeLabDir(lab)) throw exists();
    const files = labFiles(lab);
    try {
      fs.writeFileSync(files.lab, JSON.stringify({ name: lab, backend: 'netns', createdAt: new Date().toISOString(), topology }, null, 2), { mode: 0o600 });
      writeJoiner(lab);
      options.created?.();
      await progress.step(`Preparing nodes (${topology.nodes.map((n) => n.name).join(', ')}) and the control plane in the lab's own namespaces`, async () => {
        const apiSocket = await bindHostSocket();
        let holder: number;
        try {
          holder = startHolder(SUPERVISOR_MAIN, lab, apiSocket.fd);
        } finally {
          apiSocket.close();
        }
        await waitForSupervisor(lab, holder, 10_000);
      });
      const instance = new NetnsLab(lab);
      if (options.systemReadyWithFirstWait) instance.waitForSystemWithFirst(SYSTEM_WORKLOADS);
      else await progress.step('Starting CoreDNS and kube-proxy', (update) => instance.waitReady(SYSTEM_WORKLOADS, 30_000, update));
      return instance;
    } catch (error) {
      await removeLab(lab);
      throw error;
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
    // Says so, in one sentence, when the state folder is another user's.
    labsInStateRoot();
    const removed = await removeLab(lab);
    return {
      lab,
      removed: [
        ...(removed.holder ? [`lab holder process ${removed.holder} (and with it every process, namespace and link of the lab)`] : []),
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
  inventory: netnsInventory,
} satisfies Backend;
