// An in-memory Lab for tests of everything above src/lab: objects live in a Map
// (apply replaces, patch merges as RFC 7386), node commands and probes answer
// from scripts the test sets, and every call is recorded in order.
import type { BackendCapabilities } from '../../src/lab/capabilities.js';
import { mergePatch } from '../../src/lab/merge-patch.js';
import type { Lab, ProbeRequest, ProbeResult } from '../../src/lab/lab.js';
import type { ExecResult } from '../../src/exec.js';
import { isClusterScoped } from '../../src/k8s/kinds.js';
import { refString, type KubeObject, type ObjectRef } from '../../src/k8s/objects.js';

function keyOf(ref: ObjectRef): string {
  return refString({ kind: ref.kind, name: ref.name, ...(isClusterScoped(ref.kind) ? {} : { namespace: ref.namespace ?? 'default' }) });
}

function refOfObject(obj: KubeObject): ObjectRef {
  return { kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
}

export type Call =
  | { op: 'apply'; refs: string[] }
  | { op: 'delete' | 'get' | 'restart'; ref: string }
  | { op: 'patch'; ref: string; patch: Record<string, unknown> }
  | { op: 'scale'; ref: string; replicas: number }
  | { op: 'nodeExec'; node: string; argv: string[] }
  | { op: 'probe'; request: ProbeRequest };

export class FakeLab implements Lab {
  readonly name = 'fake';
  readonly backend = 'fake';
  /** A cluster's, as the engine treats kind and kubeconfig labs (slow to settle, nothing to count or capture). */
  capabilities: BackendCapabilities = {
    title: 'the fake backend',
    summary: 'objects in memory',
    nodeFaults: true,
    counters: false,
    pcap: false,
    namespacesPerLearner: false,
    readyTimeoutMs: 5 * 60_000,
    slowToSettle: true,
    disposable: false,
    setsWorkerCount: false,
    kubeProxyModes: ['iptables'],
    standaloneLabs: false,
  };
  readonly calls: Call[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private uids = 0;
  /** Answers nodeExec; by default every command succeeds with no output. */
  nodeExecHandler: (node: string, argv: string[]) => ExecResult = () => ({ exitCode: 0, stdout: '', stderr: '' });
  /** Answers probes; by default every probe succeeds. */
  probeHandler: (request: ProbeRequest, attempt: number) => ProbeResult = () => ({ outcome: 'success', detail: 'ok', ms: 1 });
  private probes = 0;

  constructor(objects: KubeObject[] = []) {
    for (const o of objects) this.store(o);
  }

  private store(obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    const existing = this.objects.get(keyOf(refOfObject(copy)));
    copy.metadata.uid = existing?.metadata.uid ?? copy.metadata.uid ?? `uid-${++this.uids}`;
    this.objects.set(keyOf(refOfObject(copy)), copy);
    return structuredClone(copy);
  }

  /** What the lab holds now, without recording a call. */
  peek(ref: ObjectRef): KubeObject | undefined {
    const o = this.objects.get(keyOf(ref));
    return o && structuredClone(o);
  }

  /** Every stored object, sorted, for before/after comparisons. */
  dump(): KubeObject[] {
    return [...this.objects.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, o]) => structuredClone(o));
  }

  async apply(objects: KubeObject[]): Promise<KubeObject[]> {
    this.calls.push({ op: 'apply', refs: objects.map((o) => refString(refOfObject(o))) });
    return objects.map((o) => this.store(o));
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    this.calls.push({ op: 'delete', ref: refString(ref) });
    return this.objects.delete(keyOf(ref));
  }

  async patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    this.calls.push({ op: 'patch', ref: refString(ref), patch });
    const current = this.objects.get(keyOf(ref));
    if (!current) throw new Error(`${refString(ref)} not found`);
    return this.store(mergePatch(current, patch) as KubeObject);
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    this.calls.push({ op: 'scale', ref: refString(ref), replicas });
    const current = this.objects.get(keyOf(ref));
    if (!current) throw new Error(`${refString(ref)} not found`);
    this.store(mergePatch(current, { spec: { replicas } }) as KubeObject);
  }

  async restart(ref: ObjectRef): Promise<void> {
    this.calls.push({ op: 'restart', ref: refString(ref) });
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.push({ op: 'get', ref: refString(ref) });
    return this.peek(ref);
  }

  async list(kind: string, namespace?: string): Promise<KubeObject[]> {
    return this.dump().filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
  }

  async waitReady(): Promise<void> {}

  async nodes(): Promise<string[]> {
    return ['control-plane', 'worker', 'worker2'];
  }

  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    this.calls.push({ op: 'nodeExec', node, argv });
    return this.nodeExecHandler(node, argv);
  }

  async podExec(): Promise<ExecResult> {
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  shellCommand(): string[] {
    return ['sh'];
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    this.calls.push({ op: 'probe', request });
    return this.probeHandler(request, this.probes++);
  }
}

/** A few objects of the kinds scenarios touch, for seeding a FakeLab. */
export function deployment(namespace: string, name: string, replicas = 2, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec', '--http-port=8080'] }] },
      },
    },
  };
}

export function service(namespace: string, name: string, selector: Record<string, string> = { app: name }, port = 8080): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ port, targetPort: port, protocol: 'TCP' }] } };
}

export function networkPolicy(namespace: string, name: string, spec: Record<string, unknown> = { podSelector: {}, policyTypes: ['Egress'] }): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
