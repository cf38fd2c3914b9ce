// A cluster reached through the Kubernetes API, as the kind and kubeconfig
// backends both use it: objects through client-node (with netbreak's labels and
// the scenario's node names), pod commands and shells through kubectl, probes
// from the source pod's agnhost (exec by default, or the API server's pod proxy).
// What only one backend can do (node commands, counters, captures) stays in its Lab.
import { run } from '../../exec.js';
import type { ExecResult } from '../../exec.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { findPod } from '../find-pod.js';
import type { ProbeRequest, ProbeResult, ReadyProgress } from '../lab.js';
import { agnhostContainer, agnhostProbe, type AgnhostChannel } from './agnhost-probe.js';
import type { KubeClient } from './kube-client.js';
import { LAB_LABEL, MANAGED_BY } from './labels.js';
import { mapNodeNames, mapNodeRef, mapObjectNodeNames, type NodeNames } from './node-names.js';

export type ProbeVia = 'exec' | 'proxy';

/** How long a DaemonSet's pods may take to leave a node it no longer selects (kube-proxy's grace period is 30 s) or to start on one it does. */
const DAEMONSET_SETTLE_MS = 3 * 60_000;

export interface ApiLabOptions {
  name: string;
  client: KubeClient;
  /** The kubeconfig file and context kubectl is given for pod commands and shells. */
  kubeconfigFile: string;
  context?: string;
  /** How probes reach agnhost: exec (default) or the API server's pod proxy; NETBREAK_KIND_PROBE=proxy sets the default. */
  probeVia?: ProbeVia;
  /** How scenario node names map to the cluster's. */
  nodeNames: NodeNames;
}

export class ProbeSourceError extends Error {}

export class ApiLab {
  readonly name: string;
  readonly client: KubeClient;
  protected readonly nodeNames: NodeNames;

  constructor(private readonly apiOptions: ApiLabOptions) {
    this.name = apiOptions.name;
    this.client = apiOptions.client;
    this.nodeNames = apiOptions.nodeNames;
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
    return this.client.waitReady(
      refs.map((r) => this.clusterRef(r)),
      timeoutMs,
      progress,
    );
  }

  async nodes(): Promise<string[]> {
    return (await this.client.list('Node')).map((n) => this.nodeNames.fromCluster(n.metadata.name));
  }

  /** kubectl with netbreak's own kubeconfig file: the user's current context is never used. */
  protected kubectl(): string[] {
    return ['kubectl', '--kubeconfig', this.apiOptions.kubeconfigFile, ...(this.apiOptions.context ? ['--context', this.apiOptions.context] : [])];
  }

  async podExec(namespace: string, pod: string, argv: string[]): Promise<ExecResult> {
    return run([...this.kubectl(), 'exec', '-n', namespace, pod, '--', ...argv], { timeoutMs: 60_000 });
  }

  /** A shell in a pod (kubectl exec); node shells are the backend's own. */
  shellCommand(target: { namespace: string; pod: string }, argv: string[] = []): string[] {
    const tty = Boolean(process.stdin.isTTY);
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
    const via = this.apiOptions.probeVia ?? (process.env.NETBREAK_KIND_PROBE === 'proxy' ? 'proxy' : 'exec');
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
