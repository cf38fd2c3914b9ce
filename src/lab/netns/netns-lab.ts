// The Lab contract for a running netns lab: object operations go to the lab's
// supervisor, node and pod commands run inside the lab's namespaces (enter-lab.ts).
import fs from 'node:fs';
import { run } from '../../exec.js';
import { LabNotRunningError } from '../../errors.js';
import { netnsCapabilities } from './capabilities.js';
import type { Capturer, CounterSnapshot, CounterTarget, Lab, LabFootprint, ProbeRequest, ProbeResult, ReadyProgress } from '../lab.js';
import type { ExecResult } from '../../exec.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { callSupervisor } from './api-client.js';
import { podsOfWorkload } from '../../k8s/pod-workload.js';
import { isReady } from '../../k8s/ready.js';
import { enterArgv, type LabTarget } from './enter-lab.js';
import { labFootprint } from './footprint.js';
import { holderPid } from './holder.js';
import { labFiles } from './names.js';

export class NetnsLab implements Lab {
  readonly backend = 'netns';
  readonly capabilities = netnsCapabilities;
  private readonly socket: string;
  /** Workloads the next waitReady() waits for besides its own: the lab's system pods, right after up(). */
  private pendingSystem: ObjectRef[] = [];

  constructor(readonly name: string) {
    this.socket = labFiles(name).socket;
  }

  /** The next waitReady() also waits for these (see UpOptions.systemReadyWithFirstWait). */
  waitForSystemWithFirst(refs: ObjectRef[]): void {
    this.pendingSystem = refs;
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return callSupervisor<T>(this.socket, method, path, body);
  }

  async health(): Promise<{ ok: boolean; lastError: string | null }> {
    return this.call('GET', '/v1/health');
  }

  async apply(objects: KubeObject[]): Promise<KubeObject[]> {
    return (await this.call<{ objects: KubeObject[] }>('POST', '/v1/apply', { objects })).objects;
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    return (await this.call<{ deleted: boolean }>('POST', '/v1/delete', { ref })).deleted;
  }

  async patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    return (await this.call<{ object: KubeObject }>('POST', '/v1/patch', { ref, patch })).object;
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.call('POST', '/v1/scale', { ref, replicas });
  }

  async restart(ref: ObjectRef): Promise<void> {
    await this.call('POST', '/v1/restart', { ref });
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const q = new URLSearchParams({ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) });
    return (await this.call<{ object: KubeObject | null }>('GET', `/v1/get?${q}`)).object ?? undefined;
  }

  async list(kind: string, namespace?: string): Promise<KubeObject[]> {
    const q = new URLSearchParams({ kind, ...(namespace ? { namespace } : {}) });
    return (await this.call<{ items: KubeObject[] }>('GET', `/v1/list?${q}`)).items;
  }

  async waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    const until = Date.now() + timeoutMs;
    const all = [...this.pendingSystem, ...refs];
    let last = '';
    for (;;) {
      const pending = await this.notReady(all);
      if (pending.length === 0) {
        this.pendingSystem = [];
        // Ready in the store; the health call returns once the reconcile that follows (endpoints,
        // kube-proxy rules) is done, so traffic to the pods works when this returns.
        await this.health();
        return;
      }
      const message = `waiting for ${pending.join(', ')}`;
      if (message !== last) progress?.(message);
      last = message;
      if (Date.now() > until) throw new Error(`not ready after ${Math.round(timeoutMs / 1000)} s: ${pending.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async notReady(refs: ObjectRef[]): Promise<string[]> {
    const pending: string[] = [];
    for (const ref of refs) {
      const label = `${ref.kind.toLowerCase()}/${ref.name}`;
      if (ref.kind === 'Pod') {
        const pod = await this.get(ref);
        if (!pod || !isReady(pod)) pending.push(label);
        continue;
      }
      const owner = await this.get(ref);
      if (!owner) continue;
      const pods = podsOfWorkload(owner, await this.list('ReplicaSet', ref.namespace), await this.list('Pod', ref.namespace));
      const want = ref.kind === 'Deployment' ? ((owner.spec as { replicas?: number }).replicas ?? 1) : pods.length;
      const ready = pods.filter(isReady).length;
      if (ready < want || pods.length !== want) pending.push(`${label} (${ready}/${want})`);
    }
    return pending;
  }

  async nodes(): Promise<string[]> {
    return (await this.list('Node')).map((n) => n.metadata.name);
  }

  /** The argv that runs `argv` in a node's or pod's network namespace inside this lab. */
  private enter(target: LabTarget, argv: string[]): string[] {
    const holder = holderPid(this.name);
    if (holder === undefined)
      throw new LabNotRunningError(`the lab "${this.name}" is not running any more (its holder process is gone): run "netbreak clean", then start again`);
    return enterArgv(this.name, holder, target, argv);
  }

  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    return run(this.enter({ node }, argv));
  }

  async podExec(namespace: string, pod: string, argv: string[]): Promise<ExecResult> {
    return run(this.enter({ namespace, pod }, argv));
  }

  shellCommand(target: { node: string } | { namespace: string; pod: string }, argv: string[] = []): string[] {
    return this.enter(target, argv.length ? argv : ['bash', '--norc', '-i']);
  }

  kubeconfigFile(): string | undefined {
    const file = labFiles(this.name).kubeconfig;
    return fs.existsSync(file) ? file : undefined;
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    return this.call<ProbeResult>('POST', '/v1/probe', request);
  }

  /** tcpdump runs inside the lab as a child of this process, writing to this machine's files; SIGTERM ends it. */
  footprint(): Promise<LabFootprint> {
    return labFootprint(this.name);
  }

  async capturer(): Promise<Capturer> {
    return {
      tcpdumpOnThisMachine: true,
      process: (target, tcpdumpArgs) => ({ argv: this.enter(target, ['tcpdump', ...tcpdumpArgs]) }),
    };
  }

  async counters(targets: CounterTarget[]): Promise<CounterSnapshot[]> {
    return Promise.all(
      targets.map(async (target): Promise<CounterSnapshot> => {
        const exec = (argv: string[]) => ('node' in target ? this.nodeExec(target.node, argv) : this.podExec(target.namespace, target.pod, argv));
        const [rules, tracked, table] = await Promise.all([
          exec(['iptables-save', '-c']),
          'node' in target ? exec(['conntrack', '-L']) : Promise.resolve(undefined),
          // Only a node in nftables mode has the table; elsewhere nft fails and there is nothing to read.
          'node' in target ? exec(['nft', 'list', 'table', 'ip', 'kube-proxy']).catch(() => undefined) : Promise.resolve(undefined),
        ]);
        const snapshot: CounterSnapshot = { target, iptables: rules.exitCode === 0 ? rules.stdout : '' };
        if (table?.exitCode === 0) snapshot.nft = table.stdout;
        if (rules.exitCode !== 0) snapshot.error = `iptables-save failed: ${rules.stderr.trim().split('\n')[0] ?? ''}`;
        // conntrack -L exits 1 with an empty table on some versions; the entries are on stdout either way.
        if (tracked && (tracked.exitCode === 0 || tracked.stdout)) snapshot.conntrack = tracked.stdout;
        else if (tracked) snapshot.error = `conntrack -L failed (is conntrack installed?): ${tracked.stderr.trim().split('\n')[0] ?? ''}`;
        return snapshot;
      }),
    );
  }

  async probeMany(requests: ProbeRequest[]): Promise<(ProbeResult | { error: string })[]> {
    return (await this.call<{ results: (ProbeResult | { error: string })[] }>('POST', '/v1/probes', { probes: requests })).results;
  }
}
