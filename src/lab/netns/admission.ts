// What the API server does to an object before storing it: defaults, allocated
// ClusterIPs and NodePorts, and refusals a learner would also get from kubectl.
import { isClusterScoped } from '../../k8s/kinds.js';
import type { KubeObject } from '../../k8s/objects.js';
import type { ObjectStore } from './store.js';
import type { Topology } from './topology.js';
import { type FieldError, invalidMessage } from '../../k8s/validation/field-error.js';
import { validateObject } from '../../k8s/validation/validate.js';

export class AdmissionError extends Error {}

/** kube-apiserver's validation refused the object: the API answers 422 Invalid with these field errors as causes. */
export class InvalidObjectError extends AdmissionError {
  constructor(
    readonly kind: string,
    readonly group: string,
    readonly name: string,
    readonly errors: FieldError[],
  ) {
    super(invalidMessage(kind, group, name, errors));
  }
}

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

export function admit(store: ObjectStore, topology: Topology, input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  const { kind, metadata } = obj;
  if (!isClusterScoped(kind)) {
    metadata.namespace ??= 'default';
    if (!store.get({ kind: 'Namespace', name: metadata.namespace })) {
      throw new AdmissionError(`namespaces "${metadata.namespace}" not found (create the Namespace first)`);
    }
  }
  if (kind === 'Namespace') {
    metadata.labels = { ...metadata.labels, 'kubernetes.io/metadata.name': metadata.name };
    // The namespace controller's phase: what `kubectl get ns` shows as STATUS.
    obj.status = { phase: 'Active' };
  }
  if (kind === 'Service') admitService(store, topology, obj);
  if (kind === 'Deployment') {
    // kube-apiserver's SetDefaults_Deployment: what `kubectl describe deploy` shows as StrategyType and RollingUpdateStrategy.
    const spec = (obj.spec ??= {}) as DeploymentDefaults;
    spec.replicas ??= 1;
    spec.strategy ??= {};
    spec.strategy.type ??= 'RollingUpdate';
    if (spec.strategy.type === 'RollingUpdate') spec.strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...spec.strategy.rollingUpdate };
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  }
  if (kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'DaemonSet') {
    defaultContainerPorts((obj.spec as { template?: { spec?: PodSpecPorts } } | undefined)?.template?.spec);
  }
  if (kind === 'Pod') {
    defaultContainerPorts(obj.spec as PodSpecPorts | undefined);
    const previous = store.get({ kind: 'Pod', namespace: metadata.namespace, name: metadata.name });
    obj.status = previous?.status ?? { phase: 'Pending' };
  }
  // After the defaults, as upstream validates: a Service port's protocol and targetPort are filled in by then.
  const errors = validateObject(obj);
  if (errors.length > 0) {
    const group = obj.apiVersion?.includes('/') ? obj.apiVersion.split('/')[0]! : '';
    throw new InvalidObjectError(kind, group, metadata.name, errors);
  }
  return obj;
}

interface DeploymentDefaults {
  replicas?: number;
  strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
}

type PodSpecPorts = Partial<Record<'containers' | 'initContainers', { ports?: { protocol?: string }[] }[]>>;

/** A container port's protocol defaults to TCP, in a Pod and in a workload's pod template alike. */
function defaultContainerPorts(spec: PodSpecPorts | undefined): void {
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

function admitService(store: ObjectStore, topology: Topology, obj: KubeObject): void {
  const spec = (obj.spec ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[] };
  const previous = store.get({ kind: 'Service', namespace: obj.metadata.namespace, name: obj.metadata.name });
  const previousSpec = previous?.spec as typeof spec | undefined;
  spec.type ??= 'ClusterIP';
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
  if (spec.type === 'ExternalName') return;
  if (previousSpec?.clusterIP && spec.clusterIP && spec.clusterIP !== previousSpec.clusterIP) {
    throw new AdmissionError(`Service "${obj.metadata.name}" is invalid: spec.clusterIP: field is immutable`);
  }
  if (spec.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== previousSpec?.clusterIP) {
    if (store.list('Service').some((s) => (s.spec as typeof spec).clusterIP === spec.clusterIP)) {
      throw new AdmissionError(
        `Service "${obj.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${spec.clusterIP}": provided IP is already allocated`,
      );
    }
  }
  spec.clusterIP ??= previousSpec?.clusterIP ?? allocateClusterIP(store, topology, `${obj.metadata.namespace}/${obj.metadata.name}`);
  spec.clusterIPs = [spec.clusterIP];
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    const used = new Set(
      store
        .list('Service')
        .flatMap((s) => ((s.spec as typeof spec).ports ?? []).map((p) => p.nodePort))
        .filter(Boolean),
    );
    spec.ports?.forEach((port, i) => {
      port.nodePort ??= previousSpec?.ports?.[i]?.nodePort;
      if (!port.nodePort) {
        let candidate = 30000 + ((hash(`${obj.metadata.namespace}/${obj.metadata.name}/${i}`) >>> 0) % 2768);
        while (used.has(candidate)) candidate = candidate === 32767 ? 30000 : candidate + 1;
        port.nodePort = candidate;
        used.add(candidate);
      }
    });
  }
}

function allocateClusterIP(store: ObjectStore, topology: Topology, service: string): string {
  const used = new Set(store.list('Service').map((s) => (s.spec as { clusterIP?: string }).clusterIP));
  used.add(topology.dnsServiceIP);
  // Scan from a start derived from the Service's name: IPs look like a real cluster's, and the same
  // scenario (after reset, or on another attendee's machine with the same seed) gets the same ones.
  let n = 256 + (hash(service) % 60000);
  for (;;) {
    const ip = `10.96.${(n >> 8) & 255}.${n & 255}`;
    if ((n & 255) !== 0 && (n & 255) !== 255 && !used.has(ip)) return ip;
    n = n >= 65000 ? 256 : n + 1;
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
