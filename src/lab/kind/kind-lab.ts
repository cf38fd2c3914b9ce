// The Lab contract on a real cluster reached with a kubeconfig: objects through
// the Kubernetes API (client-node), pod commands and shells through kubectl,
// node commands through `docker exec` into kind's node containers, and probes
// from the source pod's agnhost (exec by default, or the API server's pod proxy).
import { run } from '../../exec.js';
import { findPod } from '../find-pod.js';
import type { CounterSnapshot, CounterTarget, ExecResult, Lab, ProbeRequest, ProbeResult, ReadyProgress } from '../lab.js';
import type { KubeObject, ObjectRef } from '../objects.js';
import { agnhostContainer, agnhostProbe, type AgnhostChannel } from './agnhost-probe.js';
import { execArgv, nodeContainer, nodeExec, shortNodeName, type ContainerEngine } from './docker.js';
import type { KubeClient } from './kube-client.js';

/** Every object netbreak applies carries these, so reset and `clean` can find what a lab made. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'netbreak' } as const;
export const LAB_LABEL = 'netbreak.dev/lab';

export type ProbeVia = 'exec' | 'proxy';

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
}

export class ProbeSourceError extends Error {}

export class KindLab implements Lab {
  readonly name: string;
  readonly backend: string = 'kind';
  readonly client: KubeClient;
  protected readonly options: ClusterLabOptions;

  constructor(options: ClusterLabOptions) {
    this.options = options;
    this.name = options.name;
    this.client = options.client;
  }

  /** Labels netbreak adds to what it applies. */
  protected stamp(obj: KubeObject): KubeObject {
    return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...MANAGED_BY, [LAB_LABEL]: this.name } } };
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
    for (const obj of objects) applied.push(await this.client.apply(this.stamp(obj)));
    return applied;
  }

  delete(ref: ObjectRef): Promise<boolean> {
    return this.client.delete(ref);
  }

  patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    return this.client.mergePatch(ref, patch);
  }

  scale(ref: ObjectRef, replicas: number): Promise<void> {
    return this.client.scale(ref, replicas);
  }

  restart(ref: ObjectRef): Promise<void> {
    return this.client.restart(ref);
  }

  get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.client.get(ref);
  }

  list(kind: string, namespace?: string): Promise<KubeObject[]> {
    return this.client.list(kind, namespace);
  }

  waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void> {
    return this.client.waitReady(refs, timeoutMs, progress);
  }

  async nodes(): Promise<string[]> {
    return (await this.client.list('Node')).map((n) => shortNodeName(this.options.cluster, n.metadata.name));
  }

  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    const short = shortNodeName(this.options.cluster, node);
    const nodes = await this.nodes();
    if (!nodes.includes(short)) throw new Error(`there is no node "${node}" in kind cluster ${this.options.cluster}: the nodes are ${nodes.join(', ')}`);
    return nodeExec(this.options.engine ?? 'docker', nodeContainer(this.options.cluster, short), argv);
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
      const container = nodeContainer(this.options.cluster, shortNodeName(this.options.cluster, target.node));
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

  /** iptables counters and conntrack of kind's node containers; pods share no tools for this (agnhost has no iptables). */
  async counters(targets: CounterTarget[]): Promise<CounterSnapshot[]> {
    return Promise.all(
      targets.map(async (target): Promise<CounterSnapshot> => {
        if (!('node' in target)) return { target, iptables: '', error: `pod ${target.namespace}/${target.pod} has no iptables on kind: read the counters of its node instead` };
        const [rules, tracked] = await Promise.all([this.nodeExec(target.node, ['iptables-save', '-c']), this.nodeExec(target.node, ['conntrack', '-L'])]);
        const snapshot: CounterSnapshot = { target, iptables: rules.exitCode === 0 ? rules.stdout : '' };
        if (rules.exitCode !== 0) snapshot.error = `iptables-save failed on node ${target.node}: ${rules.stderr.trim().split('\n')[0] ?? ''}`;
        if (tracked.exitCode === 0 || tracked.stdout) snapshot.conntrack = tracked.stdout;
        return snapshot;
      }),
    );
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

