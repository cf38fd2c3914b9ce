// The lab's kubelet: gives each scheduled pod a network namespace wired to its
// node (routed veth, kindnet/ptp style), its own resolv.conf and projected
// ConfigMaps, starts its container (a thread of this process that enters the
// pod's namespace, agent/pod-thread.ts) and restarts it when it dies, and reports
// readiness from the pod's own readiness probe: first as soon as the thread says
// it listens, then every periodSeconds, as kubelet probes.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { run, runOk } from '../../exec.js';
import { formatRecord, LineRecorder } from '../../k8s/logs/cri-log.js';
import type { KubeObject } from '../../k8s/objects.js';
import type { PodSpec } from './controllers/workloads.js';
import { LISTENING, type PodThreadOptions } from './agent/pod-thread-contract.js';
import { hostVethName, labFiles, netnsPath, nodeNetns, podControlSocket, podEtcFiles, podLogFile, podNetns } from './names.js';
import type { LabNode, Topology } from './topology.js';
import { planAgent, type AgentPlan } from './workload.js';
import { writeFileAtomically } from '../../atomic-write.js';

const POD_THREAD = new URL('./agent/pod-thread.js', import.meta.url);
/** How soon to ask again a pod without a readiness probe whose container did not answer the first time. */
const NOT_YET_ANSWERED_MS = 250;

/** Waits for every promise, then throws the first failure: a pod that failed must not cut short the others' setup. */
async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  netns?: string;
  ip?: string;
  node: LabNode;
  plan?: AgentPlan;
  /** The running container: a thread inside the pod's namespace. */
  thread?: Worker;
  restarts: number;
  ready: boolean;
  waiting?: string;
  restartTimer?: NodeJS.Timeout;
  readinessTimer?: NodeJS.Timeout;
  stopping?: boolean;
  startedAt?: string;
  /** How and when the container last ended: kubectl shows restarts as "3 (25s ago)". */
  lastExit?: { exitCode: number; reason: string; finishedAt: string };
  /** Runs in its node's network namespace, with the node's address (spec.hostNetwork). */
  hostNetwork?: boolean;
  /** Not started yet: a ConfigMap volume's ConfigMap does not exist (kubelet's FailedMount). */
  awaitingVolumes?: boolean;
  /** The pod's container names: one thread plays all of them, so they share one state. */
  containers: string[];
}

export interface PodStatusSink {
  (pod: { namespace: string; name: string; uid: string }, status: Record<string, unknown>): void;
}

/** What kubelet reports about a pod (or one of its containers) as an Event: Pulled, Started, Unhealthy, Killing … */
export interface KubeletEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  container?: string;
}

export interface PodEventSink {
  (pod: { namespace: string; name: string; uid: string; node: string }, event: KubeletEvent): void;
}

export class PodRuntime {
  private pods = new Map<string, PodRecord>();
  private usedIPs = new Set<string>();
  /** Per node, the host part of the last pod address handed out (host-local's last_reserved_ip). */
  private lastHost = new Map<string, number>();

  constructor(
    private readonly lab: string,
    private readonly topology: Topology,
    private readonly report: PodStatusSink,
    private readonly onReadinessChange: () => void,
    private readonly events: PodEventSink,
  ) {}

  private event(record: PodRecord, event: KubeletEvent): void {
    this.events({ namespace: record.namespace, name: record.name, uid: record.uid, node: record.node.name }, event);
  }

  /** Pulled, Created and Started for each container: the lab has every image (the host's tools), so none is pulled. */
  private containersStarted(record: PodRecord, pod: KubeObject): void {
    for (const c of (pod.spec as PodSpec).containers) {
      this.event(record, { type: 'Normal', reason: 'Pulled', message: `Container image "${c.image ?? ''}" already present on machine`, container: c.name });
      this.event(record, { type: 'Normal', reason: 'Created', message: `Created container: ${c.name}`, container: c.name });
      this.event(record, { type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, container: c.name });
    }
  }

  /** Pods the runtime knows, keyed by uid, with their IP and host veth (for the rule generators). */
  running(): { uid: string; ip: string; node: string; hostVeth: string }[] {
    return [...this.pods.values()].filter((p) => p.ip && p.netns).map((p) => ({ uid: p.uid, ip: p.ip!, node: p.node.name, hostVeth: hostVethName(p.uid) }));
  }

  /** Brings the set of running pods in line with the store's Pod objects. */
  async sync(pods: KubeObject[], configMaps: KubeObject[]): Promise<void> {
    const wanted = new Map(pods.filter((p) => (p.spec as PodSpec).nodeName).map((p) => [p.metadata.uid!, p]));
    // Pods are independent: removed and created side by side, each waiting only for its own commands.
    await settleAll([...this.pods].filter(([uid]) => !wanted.has(uid)).map(([, record]) => this.remove(record)));
    await settleAll([...wanted.values()].filter((pod) => !this.pods.has(pod.metadata.uid!)).map((pod) => this.create(pod, configMaps)));
    for (const pod of wanted.values()) {
      const record = this.pods.get(pod.metadata.uid!)!;
      if (record.plan?.dns) this.projectConfigMaps(pod, configMaps);
      if (record.awaitingVolumes && missingConfigMaps(pod, configMaps).length === 0) {
        record.awaitingVolumes = false;
        this.startContainer(record, pod);
      }
    }
  }

  private nodeOf(pod: KubeObject): LabNode {
    const name = (pod.spec as PodSpec).nodeName;
    const node = this.topology.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} is bound to unknown node ${name}`);
    return node;
  }

  private async create(pod: KubeObject, configMaps: KubeObject[]): Promise<PodRecord> {
    const spec = pod.spec as PodSpec;
    const record: PodRecord = {
      uid: pod.metadata.uid!,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name,
      node: this.nodeOf(pod),
      restarts: 0,
      ready: false,
      containers: spec.containers.map((c) => c.name),
    };
    this.pods.set(record.uid, record);
    record.plan = planAgent(spec);
    if (spec.hostNetwork) {
      // No sandbox: the container runs in its node's network namespace, with the node's address, name and
      // (unless its dnsPolicy says otherwise) resolver, as kubelet starts a hostNetwork pod.
      record.hostNetwork = true;
      const etc = podEtcFiles(this.lab, record.namespace, record.name);
      fs.writeFileSync(etc.resolvConf, this.resolvConf(record.namespace, spec));
      fs.writeFileSync(etc.hostname, `${record.node.name}\n`);
      this.startContainer(record, pod);
      return record;
    }
    record.ip = this.allocateIP(record.node, (pod.status as { podIP?: string } | undefined)?.podIP);
    record.netns = podNetns(this.lab, record.namespace, record.name);
    try {
      await this.createSandbox(record, spec);
    } catch (error) {
      // Undo the half-made sandbox and forget the pod, so the next reconcile creates it afresh.
      await this.remove(record);
      throw new Error(`failed to create pod ${record.namespace}/${record.name}: ${(error as Error).message}`, { cause: error });
    }
    // Volumes are mounted before the container starts: the Corefile is in place
    // when the DNS server reads it, and a missing ConfigMap keeps the pod in
    // ContainerCreating (kubelet's "MountVolume.SetUp failed … not found").
    if (record.plan?.dns) this.projectConfigMaps(pod, configMaps);
    const missing = record.plan ? missingConfigMaps(pod, configMaps) : [];
    if (missing.length) {
      record.awaitingVolumes = true;
      for (const { volume, configMap } of missing) {
        const message = `MountVolume.SetUp failed for volume "${volume}" : configmap "${configMap}" not found`;
        this.event(record, { type: 'Warning', reason: 'FailedMount', message });
      }
      this.report(record, this.status(record, {}));
      return record;
    }
    this.startContainer(record, pod);
    return record;
  }

  private allocateIP(node: LabNode, previous?: string): string {
    const base = node.podCIDR.split('.').slice(0, 3).join('.');
    if (previous?.startsWith(`${base}.`) && !this.usedIPs.has(previous)) {
      this.usedIPs.add(previous);
      this.lastHost.set(node.name, Math.max(this.lastHost.get(node.name) ?? 1, Number(previous.split('.')[3])));
      return previous;
    }
    const host = nextPodHost((h) => this.usedIPs.has(`${base}.${h}`), this.lastHost.get(node.name) ?? 1);
    if (host !== undefined) {
      const ip = `${base}.${host}`;
      this.usedIPs.add(ip);
      this.lastHost.set(node.name, host);
      return ip;
    }
    throw new Error(`node ${node.name} has no free pod address left in ${node.podCIDR}`);
  }

  private async createSandbox(record: PodRecord, spec: PodSpec): Promise<void> {
    const netns = record.netns!;
    const nodeNs = nodeNetns(this.lab, record.node.name);
    const veth = hostVethName(record.uid);
    const gw = record.node.gateway;
    // What the pod's commands see as /etc/resolv.conf and /etc/hostname (enter-lab.ts bind-mounts them).
    const etc = podEtcFiles(this.lab, record.namespace, record.name);
    fs.writeFileSync(etc.resolvConf, this.resolvConf(record.namespace, spec));
    fs.writeFileSync(etc.hostname, `${record.name}\n`);
    await runOk(['ip', 'netns', 'add', netns]);
    await runOk(['ip', '-n', nodeNs, '-batch', '-'], {
      // replace, not add: a pod that had this IP a moment ago may still have its route (see remove()).
      input:
        [
          `link add ${veth} type veth peer name eth0 netns ${netns}`,
          `addr add ${gw}/32 dev ${veth}`,
          `link set ${veth} up`,
          `route replace ${record.ip}/32 dev ${veth} scope link`,
        ].join('\n') + '\n',
    });
    await runOk(['ip', '-n', netns, '-batch', '-'], {
      input:
        [
          'link set lo up',
          `addr add ${record.ip}/24 dev eth0 noprefixroute`,
          'link set eth0 up',
          `route add ${gw} dev eth0 scope link`,
          `route add ${record.node.podCIDR} via ${gw} dev eth0 src ${record.ip}`,
          `route add default via ${gw} dev eth0`,
        ].join('\n') + '\n',
    });
    // The pod's sysctls are set by its thread (agent/pod-thread.ts), from inside its namespace.
  }

  /** What kubelet writes for the pod's dnsPolicy (ClusterFirst, ClusterFirstWithHostNet, Default, None) and dnsConfig. */
  private resolvConf(namespace: string, spec: PodSpec): string {
    const policy = kubeletDnsPolicy(spec);
    let nameservers: string[] = [];
    let searches: string[] = [];
    let options: string[] = [];
    if (policy === 'ClusterFirst') {
      nameservers = [this.topology.dnsServiceIP];
      searches = [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'];
      options = ['ndots:5'];
    } else if (policy === 'Default') {
      nameservers = [this.topology.fabricIP];
    }
    const cfg = spec.dnsConfig;
    nameservers = [...nameservers, ...(cfg?.nameservers ?? [])];
    searches = [...searches, ...(cfg?.searches ?? [])];
    for (const o of cfg?.options ?? []) {
      options = options.filter((x) => x.split(':')[0] !== o.name);
      options.push(o.value === undefined ? o.name : `${o.name}:${o.value}`);
    }
    return (
      [
        ...(searches.length ? [`search ${searches.join(' ')}`] : []),
        ...nameservers.map((n) => `nameserver ${n}`),
        ...(options.length ? [`options ${options.join(' ')}`] : []),
      ].join('\n') + '\n'
    );
  }

  private volumeDir(uid: string, volume: string): string {
    return path.join(labFiles(this.lab).pods, uid.slice(0, 8), 'volumes', volume);
  }

  /** Writes each ConfigMap volume's keys as files, as kubelet projects them (changes appear in the running pod). */
  private projectConfigMaps(pod: KubeObject, configMaps: KubeObject[]): void {
    for (const volume of (pod.spec as PodSpec).volumes ?? []) {
      if (!volume.configMap) continue;
      const cm = configMaps.find((c) => c.metadata.namespace === pod.metadata.namespace && c.metadata.name === volume.configMap!.name);
      if (!cm) continue;
      const dir = this.volumeDir(pod.metadata.uid!, volume.name);
      fs.mkdirSync(dir, { recursive: true });
      const data = (cm.data ?? {}) as Record<string, string>;
      const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) {
        const file = path.join(dir, item.path);
        const content = data[item.key] ?? '';
        if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) {
          writeFileAtomically(file, content);
        }
      }
    }
  }

  private threadOptions(record: PodRecord, pod: KubeObject): PodThreadOptions {
    const plan = record.plan!;
    return {
      pod: `${record.namespace}/${record.name}`,
      ...(record.hostNetwork ? { hostname: record.node.name } : {}),
      ip: record.ip ?? record.node.ip,
      netnsPath: netnsPath(record.netns ?? nodeNetns(this.lab, record.node.name)),
      resolvConf: podEtcFiles(this.lab, record.namespace, record.name).resolvConf,
      control: podControlSocket(this.lab, record.uid),
      tcpPorts: plan.tcpPorts,
      udpPorts: plan.udpPorts,
      listen: plan.listen ?? '0.0.0.0',
      ...(plan.readinessProbe ? { readiness: plan.readinessProbe as PodThreadOptions['readiness'] } : {}),
      ...(plan.porter ? { porter: plan.porter } : {}),
      ...(plan.dns
        ? {
            dns: {
              corefile: path.join(this.volumeDir(pod.metadata.uid!, plan.dns.volume), plan.dns.file),
              corefileName: corefileInContainer(pod, plan.dns),
              store: labFiles(this.lab).store,
            },
          }
        : {}),
    };
  }

  private startContainer(record: PodRecord, pod: KubeObject): void {
    this.containersStarted(record, pod);
    if (!record.plan) {
      record.ready = true;
      record.startedAt = new Date().toISOString();
      this.report(record, this.status(record, {}));
      return;
    }
    const thread = new Worker(POD_THREAD, { workerData: this.threadOptions(record, pod), stdout: true, stderr: true });
    // The container's output goes to its log, as kubelet keeps it (`netbreak logs`).
    const log = fs.createWriteStream(podLogFile(this.lab, record.namespace, record.name), { flags: 'a' });
    // A log that cannot be written (a full disk) loses its lines, not the lab: said once in the supervisor's log.
    log.once('error', (error) => console.error(`pod ${record.namespace}/${record.name}: its log cannot be written: ${error.message}`));
    // Kept in kubelet's CRI log format, so `kubectl logs --since/--timestamps` read each line's time.
    for (const [stream, name] of [
      [thread.stdout, 'stdout'],
      [thread.stderr, 'stderr'],
    ] as const) {
      const recorder = new LineRecorder(name);
      stream.on('data', (chunk: Buffer) => log.write(recorder.push(chunk).map(formatRecord).join('')));
      stream.on('end', () => log.write(recorder.end().map(formatRecord).join('')));
    }
    // The last lines of a crash can arrive after the thread's exit: the log ends once both streams have ended.
    void Promise.allSettled([finished(thread.stdout), finished(thread.stderr)]).then(() => log.end());
    record.thread = thread;
    record.waiting = undefined;
    record.startedAt = new Date().toISOString();
    this.report(record, this.status(record, {}));
    thread.on('message', (message) => {
      if (message !== LISTENING) return;
      // kubelet runs the first readiness probe initialDelaySeconds after the container started; until then the pod is not Ready.
      const delay = firstProbeDelayMs(record.plan?.readinessProbe, Date.parse(record.startedAt!), Date.now());
      if (delay === 0) void this.probeReadiness(record, thread);
      else record.readinessTimer = setTimeout(() => void this.probeReadiness(record, thread), delay);
    });
    // An exception nothing caught ends the thread; like a crashed container's last words, it goes to the log.
    thread.on('error', (error) => log.write(`${error.stack ?? error.message}\n`));
    thread.on('exit', (exitCode) => {
      clearTimeout(record.readinessTimer);
      if (record.thread === thread) record.thread = undefined;
      record.ready = false;
      if (record.stopping) return;
      record.restarts++;
      record.waiting = 'CrashLoopBackOff';
      record.lastExit = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: new Date().toISOString() };
      for (const c of record.containers) {
        const message = `Back-off restarting failed container ${c} in pod ${record.name}_${record.namespace}(${record.uid})`;
        this.event(record, { type: 'Warning', reason: 'BackOff', message, container: c });
      }
      this.report(record, this.status(record, {}));
      this.onReadinessChange();
      // Back off like kubelet, but on a lab's time scale (seconds, not minutes).
      const delay = Math.min(500 * 2 ** Math.min(record.restarts, 4), 5000);
      record.restartTimer = setTimeout(() => this.startContainer(record, pod), delay);
    });
  }

  /**
   * Asks the pod's container whether its readiness probe passes, then asks again
   * after the probe's periodSeconds (kubelet's default 10 s). A pod without a
   * readiness probe is ready once its container listens, and is not asked again.
   */
  private async probeReadiness(record: PodRecord, thread: Worker): Promise<void> {
    const { ready, failure } = await askReady(podControlSocket(this.lab, record.uid));
    if (record.thread !== thread) return; // it ended or was restarted meanwhile
    // kubelet reports every failed probe of a pod's readiness probe; the recorder counts repeats on one Event.
    if (!ready && record.plan?.readinessProbe) {
      const message = `Readiness probe failed: ${failure ?? 'the container did not answer its probe'}`;
      this.event(record, { type: 'Warning', reason: 'Unhealthy', message, container: record.containers[0] });
    }
    if (ready !== record.ready) {
      record.ready = ready;
      this.report(record, this.status(record, {}));
      this.onReadinessChange();
    }
    const probe = record.plan?.readinessProbe as { periodSeconds?: number } | undefined;
    const next = probe ? (probe.periodSeconds ?? 10) * 1000 : ready ? undefined : NOT_YET_ANSWERED_MS;
    if (next !== undefined) record.readinessTimer = setTimeout(() => void this.probeReadiness(record, thread), next);
  }

  private status(record: PodRecord, extra: { podIP?: string }): Record<string, unknown> {
    const running = !record.plan || Boolean(record.thread);
    const podIP = extra.podIP ?? record.ip ?? (record.hostNetwork ? record.node.ip : undefined);
    return {
      phase: 'Running',
      hostIP: record.node.ip,
      ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
      startTime: record.startedAt,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: record.ready ? 'True' : 'False' },
        { type: 'Ready', status: record.ready ? 'True' : 'False' },
      ],
      containerStatuses: record.containers.map((name) => ({
        name,
        ready: record.ready,
        restartCount: record.restarts,
        started: running,
        state: running && !record.waiting ? { running: { startedAt: record.startedAt } } : { waiting: { reason: record.waiting ?? 'ContainerCreating' } },
        ...(record.lastExit ? { lastState: { terminated: record.lastExit } } : {}),
      })),
    };
  }

  private async remove(record: PodRecord): Promise<void> {
    this.pods.delete(record.uid);
    if (record.startedAt)
      for (const c of record.containers) this.event(record, { type: 'Normal', reason: 'Killing', message: `Stopping container ${c}`, container: c });
    await stopContainer(record);
    if (record.netns) {
      // Deleting the namespace removes its veth pair only once the kernel has torn the
      // namespace down, which happens later; a new pod reusing the IP would then find
      // the old /32 route. Deleting the node's end first removes both ends and the route now.
      await run(['ip', '-n', nodeNetns(this.lab, record.node.name), 'link', 'del', hostVethName(record.uid)]);
      await run(['ip', 'netns', 'del', record.netns]);
    }
    const etc = podEtcFiles(this.lab, record.namespace, record.name);
    for (const file of [etc.resolvConf, etc.hostname]) fs.rmSync(file, { force: true });
    fs.rmSync(path.join(labFiles(this.lab).pods, record.uid.slice(0, 8)), { recursive: true, force: true });
    fs.rmSync(podControlSocket(this.lab, record.uid), { force: true });
    if (record.ip) this.usedIPs.delete(record.ip);
  }
}

/**
 * The pod's DNS type as kubelet decides it (pkg/kubelet/network/dns, getPodDNSType): ClusterFirst (the API
 * server's default for an empty dnsPolicy) falls back to Default, the node's own resolv.conf, on a hostNetwork
 * pod; only ClusterFirstWithHostNet gives a hostNetwork pod the cluster's DNS.
 */
export function kubeletDnsPolicy(spec: Pick<PodSpec, 'hostNetwork' | 'dnsPolicy'>): string {
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) return 'Default';
  return policy === 'ClusterFirstWithHostNet' ? 'ClusterFirst' : policy;
}

/**
 * The host part (2–254 of the node's /24) for a new pod, as the host-local IPAM
 * plugin (kindnet's) picks it: the first free one after the last handed out,
 * wrapping around. A replaced pod therefore gets a new IP rather than the one its
 * predecessor just freed, so stale Service rules point at nobody, as on a cluster.
 */
export function nextPodHost(isUsed: (host: number) => boolean, last: number): number | undefined {
  for (let i = 1; i <= 253; i++) {
    const host = ((last - 2 + i + 253) % 253) + 2;
    if (!isUsed(host)) return host;
  }
  return undefined;
}

/** How long after `now` the first readiness probe is due: initialDelaySeconds (default 0) counted from the container's start. */
export function firstProbeDelayMs(probe: unknown, startedAtMs: number, nowMs: number): number {
  const initialDelaySeconds = (probe as { initialDelaySeconds?: number } | undefined)?.initialDelaySeconds ?? 0;
  return Math.max(0, startedAtMs + initialDelaySeconds * 1000 - nowMs);
}

/** The pod's (non-optional) configMap volumes whose ConfigMap does not exist. */
function missingConfigMaps(pod: KubeObject, configMaps: KubeObject[]): { volume: string; configMap: string }[] {
  return ((pod.spec as PodSpec).volumes ?? [])
    .filter((v) => v.configMap && !(v.configMap as { optional?: boolean }).optional)
    .map((v) => ({ volume: v.name, configMap: v.configMap!.name }))
    .filter(({ configMap }) => !configMaps.some((c) => c.metadata.namespace === pod.metadata.namespace && c.metadata.name === configMap));
}

/** The Corefile's path as the coredns container sees it (its mount path plus the file), which CoreDNS's errors cite. */
function corefileInContainer(pod: KubeObject, dns: { volume: string; file: string }): string {
  const mounts = (pod.spec as PodSpec).containers[0] as { volumeMounts?: { name: string; mountPath: string }[] } | undefined;
  const mount = mounts?.volumeMounts?.find((m) => m.name === dns.volume);
  return mount ? path.posix.join(mount.mountPath, dns.file) : dns.file;
}

/** Asks the pod's agent to run its readiness probe; a failure carries the agent's account of it. */
function askReady(socketPath: string): Promise<{ ready: boolean; failure?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/ready', timeout: 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 ? { ready: true } : { ready: false, failure: Buffer.concat(chunks).toString() }));
    });
    req.on('error', () => resolve({ ready: false }));
    req.on('timeout', () => {
      req.destroy();
      resolve({ ready: false });
    });
  });
}

/** Ends a pod's container for good: no restart follows. Its thread's sockets are closed when it has ended. */
async function stopContainer(record: PodRecord): Promise<void> {
  record.stopping = true;
  clearTimeout(record.restartTimer);
  clearTimeout(record.readinessTimer);
  await record.thread?.terminate();
}
