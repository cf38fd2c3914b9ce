// The Lab contract on a real cluster reached with a kubeconfig: objects through
// the Kubernetes API (client-node), pod commands and shells through kubectl,
// node commands through `docker exec` into kind's node containers, probes
// from the source pod's agnhost (exec by default, or the API server's pod proxy),
// and `trace --pcap` captures in containers that join the nodes' network namespaces.
import { UserError } from '../../errors.js';
import { kindCapabilities } from './capabilities.js';
import { run } from '../../exec.js';
import { findPod } from '../find-pod.js';
import type { Capturer, CounterSnapshot, CounterTarget, Lab, ProbeRequest, ProbeResult, ReadyProgress } from '../lab.js';
import type { ExecResult } from '../../exec.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { agnhostContainer, agnhostProbe, type AgnhostChannel } from './agnhost-probe.js';
import { captureContainer, ensureCaptureImage } from './capture-container.js';
import { execArgv, nodeExec, type ContainerEngine } from './docker.js';
import type { KubeClient } from './kube-client.js';
import { LAB_LABEL } from './labels.js';
import { kindNodeNames, mapNodeNames, mapNodeRef, mapObjectNodeNames, type NodeNames } from './node-names.js';

/** Every object netbreak applies carries these, so reset and `clean` can find what a lab made. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'netbreak' } as const;

export type ProbeVia = 'exec' | 'proxy';

/** How long a DaemonSet's pods may take to leave a node it no longer selects (kube-proxy's grace period is 30 s) or to start on one it does. */
const DAEMONSET_SETTLE_MS = 3 * 60_000;

export interface ClusterLabOptions {
  name: string;
  client: KubeClient;
  /** The kubeconfig file and context kubectl is given for pod commands and shells. */
  kubeconfigFile: string;
  context?: string;
  /** kind: the cluster name (node containers are `<cluster>-<node>`) and the engine running them. */
  cluster: string;
  engine?: ContainerEngine;
  /** How probes reach agnhost: exec (default) or the API server's pod proxy; NETBREAK_KIND_PROBE=proxy sets the default. */
  probeVia?: ProbeVia;
  /** How scenario node names map to the cluster's: kind's `<cluster>-<node>` unless given. */
  nodeNames?: NodeNames;
}

export class ProbeSourceError extends Error {}

export class KindLab implements Lab {
  readonly name: string;
  readonly backend: string = 'kind';
  readonly capabilities = kindCapabilities;
  readonly client: KubeClient;
  protected readonly options: ClusterLabOptions;
  protected readonly nodeNames: NodeNames;

  constructor(options: ClusterLabOptions) {
    this.options = options;
    this.name = options.name;
    this.client = options.client;
    this.nodeNames = options.nodeNames ?? kindNodeNames(options.cluster);
  }

  /** An object as it is sent: netbreak's labels added, node names as the cluster has them. */
  protected outgoing(obj: KubeObject): KubeObject {
    const mapped = mapObjectNodeNames(obj, this.nodeNames.toCluster);
    return { ...mapped, metadata: { ...mapped.metadata, labels: { ...(mapped.metadata.labels ?? {}), ...MANAGED_BY, [LAB_LABEL]: this.name } } };
  }

  /** An object as the cluster returned it, with the scenario's node names. */
  protected incoming(obj: KubeObject): KubeObject {
    return mapObjectNodeNames(obj, this.nodeNames.fromCluster);
  }

  private clusterRef(ref: ObjectRef): ObjectRef {
    return mapNodeRef(ref, this.nodeNames.toCluster);
  }

  async health(): Promise<{ ok: boolean; lastError: string | null }> {
    try {
      await this.client.list('Node');
      return { ok: true, lastError: null };
    } catch (error) {
      return { ok: false, lastError: (error as Error).message };
    }
  }

  async apply(objects: KubeObject[]): Promise<KubeObject[]> {
    const applied: KubeObject[] = [];
    // In order: a Namespace before the objects that live in it, as kubectl apply -f does.
    for (const obj of objects) applied.push(this.incoming(await this.client.apply(this.outgoing(obj))));
    return applied;
  }

  delete(ref: ObjectRef): Promise<boolean> {
    return this.client.delete(this.clusterRef(ref));
  }

  /** A patched DaemonSet is waited for until its pods run where it now selects, as the netns lab's are at once. */
  async patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const patched = await this.client.mergePatch(this.clusterRef(ref), mapNodeNames(patch, ref.kind, this.nodeNames.toCluster));
    if (ref.kind === 'DaemonSet') await this.client.waitDaemonSetSettled(this.clusterRef(ref), DAEMONSET_SETTLE_MS);
    return this.incoming(patched);
  }

  scale(ref: ObjectRef, replicas: number): Promise<void> {
    return this.client.scale(ref, replicas);
  }

  restart(ref: ObjectRef): Promise<void> {
    return this.client.restart(ref);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const obj = await this.client.get(this.clusterRef(ref));
    return obj && this.incoming(obj);
  }

  async list(kind: string, namespace?: string): Promise<KubeObject[]> {
    return (await this.client.list(kind, namespace)).map((o) => this.incoming(o));
  }

  waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    return this.client.waitReady(refs.map((r) => this.clusterRef(r)), timeoutMs, progress);
  }

  async nodes(): Promise<string[]> {
    return (await this.client.list('Node')).map((n) => this.nodeNames.fromCluster(n.metadata.name));
  }

  /** Runs a command in the node's container (`docker exec netbreak-worker2 …`); `worker2` and `netbreak-worker2` both name it. */
  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    const short = this.nodeNames.fromCluster(node);
    const nodes = await this.nodes();
    if (!nodes.includes(short)) throw new Error(`there is no node "${node}" in kind cluster ${this.options.cluster}: the nodes are ${nodes.join(', ')}`);
    return nodeExec(this.options.engine ?? 'docker', this.nodeNames.toCluster(short), argv);
  }

  /** kubectl with netbreak's own kubeconfig file: the user's current context is never used. */
  protected kubectl(): string[] {
    return ['kubectl', '--kubeconfig', this.options.kubeconfigFile, ...(this.options.context ? ['--context', this.options.context] : [])];
  }

  async podExec(namespace: string, pod: string, argv: string[]): Promise<ExecResult> {
    return run([...this.kubectl(), 'exec', '-n', namespace, pod, '--', ...argv], { timeoutMs: 60_000 });
  }

  shellCommand(target: { node: string } | { namespace: string; pod: string }, argv: string[] = []): string[] {
    const tty = Boolean(process.stdin.isTTY);
    if ('node' in target) {
      const container = this.nodeNames.toCluster(target.node);
      return execArgv(this.options.engine ?? 'docker', container, argv.length ? argv : ['bash'], tty);
    }
    return [...this.kubectl(), 'exec', tty ? '-it' : '-i', '-n', target.namespace, target.pod, '--', ...(argv.length ? argv : ['sh'])];
  }

  /** The pod a probe starts from: `namespace/pod`, or a Deployment's first ready pod. */
  protected async sourcePod(from: string): Promise<KubeObject> {
    const [namespace, name] = from.split('/', 2) as [string, string];
    const pod = findPod(await this.client.list('Pod', namespace), name ?? '');
    if (!pod) throw new ProbeSourceError(`no pod or deployment "${name}" in namespace ${namespace} to probe from`);
    return pod;
  }

  protected channel(pod: KubeObject): AgnhostChannel {
    const agnhost = agnhostContainer(pod);
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name;
    if (!agnhost) throw new ProbeSourceError(`pod ${namespace}/${name} does not run the agnhost image, which probes on a real cluster are sent from`);
    const via = this.options.probeVia ?? (process.env.NETBREAK_KIND_PROBE === 'proxy' ? 'proxy' : 'exec');
    if (via === 'proxy') {
      return {
        dial: (params) => this.client.proxyGet(namespace, name, agnhost.port, `dial?${new URLSearchParams(params)}`, 15_000),
        shell: async (command) => {
          const { body } = await this.client.proxyGet(namespace, name, agnhost.port, `shell?${new URLSearchParams({ cmd: `${command} 2>&1` })}`, 15_000);
          try {
            const parsed = JSON.parse(body) as { output?: string; error?: string };
            return `${parsed.output ?? ''}${parsed.error ? `\n${parsed.error}` : ''}`;
          } catch {
            return body;
          }
        },
      };
    }
    // exec goes through the kubelet, not the pod network, so a policy on the source pod cannot block the probe's own control path.
    const exec = (argv: string[]) => run([...this.kubectl(), 'exec', '-n', namespace, name, '-c', agnhost.container, '--', ...argv], { timeoutMs: 20_000 });
    return {
      dial: async (params) => {
        const url = `http://127.0.0.1:${agnhost.port}/dial?${new URLSearchParams(params)}`;
        const result = await exec(['curl', '-sS', '-m', '10', '-w', '\\n%{http_code}', url]);
        const lines = result.stdout.replace(/\n$/, '').split('\n');
        const status = Number(lines.pop());
        if (result.exitCode !== 0 || !Number.isFinite(status)) {
          throw new ProbeSourceError(`could not reach agnhost in ${namespace}/${name} with kubectl exec: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
        }
        return { status, body: lines.join('\n') };
      },
      shell: async (command) => {
        const result = await exec(['sh', '-c', `${command} 2>&1`]);
        return `${result.stdout}${result.stderr}`;
      },
    };
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    const pod = await this.sourcePod(request.from);
    return agnhostProbe(this.channel(pod), request.to);
  }

  /**
   * iptables counters and conntrack of kind's node containers (`docker exec <node> iptables-save -c`,
   * `conntrack -L`). A pod reads as no rules: agnhost has no iptables and no NET_ADMIN, so no one typed any.
   */
  async counters(targets: CounterTarget[]): Promise<CounterSnapshot[]> {
    return Promise.all(
      targets.map(async (target): Promise<CounterSnapshot> => {
        if (!('node' in target)) return { target, iptables: '' };
        const [rules, tracked] = await Promise.all([this.nodeExec(target.node, ['iptables-save', '-c']), this.nodeExec(target.node, ['conntrack', '-L'])]);
        const snapshot: CounterSnapshot = { target, iptables: rules.exitCode === 0 ? rules.stdout : '' };
        if (rules.exitCode !== 0) snapshot.error = `iptables-save failed on node ${target.node}: ${rules.stderr.trim().split('\n')[0] ?? ''}`;
        if (tracked.exitCode === 0 || tracked.stdout) snapshot.conntrack = tracked.stdout;
        return snapshot;
      }),
    );
  }

  /**
   * `trace --pcap`: each capture is a container of its own that joins a node
   * container's network namespace (capture-container.ts), where the node's eth0
   * and its pods' host-side veths are. A pod's own eth0 is out of its reach.
   */
  async capturer(pcapDir: string): Promise<Capturer> {
    const engine = this.options.engine ?? 'docker';
    // `-v DIR:DIR` splits at colons.
    if (pcapDir.includes(':')) throw new UserError(`--pcap ${pcapDir}: ${engine} cannot mount a folder whose path contains ":": pick another folder`, 2);
    await ensureCaptureImage(engine);
    return {
      podsUnreachable: "on kind a pod's eth0 is in a network namespace that containerd made inside the node container, which a capture container cannot join",
      process: (target, tcpdumpArgs) => {
        if (!('node' in target)) throw new Error(`pod ${target.namespace}/${target.pod} cannot be captured on kind: capture its node's veth`);
        const options = { lab: this.name, cluster: this.options.cluster, nodeContainer: this.nodeNames.toCluster(target.node), pcapDir };
        return captureContainer(engine, options, tcpdumpArgs);
      },
    };
  }

  /** Several probes at once (a reachability matrix); a probe that cannot be sent is an error entry, not a throw. */
  async probeMany(requests: ProbeRequest[], concurrency = 8): Promise<(ProbeResult | { error: string })[]> {
    const results: (ProbeResult | { error: string })[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        try {
          results[i] = await this.probe(requests[i]!);
        } catch (error) {
          results[i] = { error: (error as Error).message };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return results;
  }
}

