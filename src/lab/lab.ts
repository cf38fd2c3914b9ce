// The Lab contract: what every backend (netns, kind, kubeconfig) offers the engine.
// Everything above src/lab talks to a cluster only through this interface.
import type { BackendCapabilities } from './capabilities.js';
import type { KubeObject, ObjectRef } from '../k8s/objects.js';
import type { ExecResult } from '../exec.js';
import type { ProbeOutcome } from './probe-outcome.js';

export interface ProbeRequest {
  /** `namespace/pod`, or `namespace/deployment` for the first ready pod of that Deployment. */
  from: string;
  /** http://, tcp://, udp:// or dns:// URL. */
  to: string;
  timeoutMs?: number;
}

export interface DnsQueryLog {
  name: string;
  server: string;
  rcode?: string;
  answers: string[];
  ms: number;
  timedOut: boolean;
  /** Why no answer came, e.g. "connection refused" when nothing listens on port 53. */
  error?: string;
}

export interface ProbeResult {
  outcome: ProbeOutcome;
  /** One line a learner can read: "connected to 10.244.1.3:8080, answered by api-7d9f-x2", "no answer within 1000 ms". */
  detail: string;
  ms: number;
  /** The pod that answered (its /hostname), for http and udp probes. */
  answeredBy?: string;
  /** The address the probe connected to after name resolution. */
  address?: string;
  dns?: DnsQueryLog[];
}

/** A network namespace (or node container) whose counters `counters()` reads. */
export type CounterTarget = { node: string } | { namespace: string; pod: string };

export interface CounterSnapshot {
  target: CounterTarget;
  /** `iptables-save -c` output, every table; empty when it could not be read (see error). */
  iptables: string;
  /** `conntrack -L` output, for nodes; absent for pods or when conntrack is not installed. */
  conntrack?: string;
  /** `nft list table ip kube-proxy`, for nodes whose kube-proxy runs in nftables mode; absent otherwise. */
  nft?: string;
  /** Why something could not be read, in one sentence. */
  error?: string;
}

export interface ReadyProgress {
  (message: string): void;
}

export interface Lab {
  /** The lab's name (several labs can run side by side). */
  readonly name: string;
  /** Which backend made it (its name in src/lab/backends.ts), for messages and records. */
  readonly backend: string;
  /** That backend's capabilities: what the engine may ask of this lab and how long it waits for it. */
  readonly capabilities: BackendCapabilities;

  /** Create or update objects (server-side apply semantics: the object given replaces the stored spec). */
  apply(objects: KubeObject[]): Promise<KubeObject[]>;
  /** Delete one object; false when it did not exist. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** Merge-patch one object (RFC 7386) and return the result. */
  patch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject>;
  /** Set a Deployment's replicas. */
  scale(ref: ObjectRef, replicas: number): Promise<void>;
  /** Roll a Deployment or DaemonSet's pods, as `kubectl rollout restart` does. */
  restart(ref: ObjectRef): Promise<void>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(kind: string, namespace?: string): Promise<KubeObject[]>;
  /** Wait until every pod of the given workloads (or the given pods) is Ready. */
  waitReady(refs: ObjectRef[], timeoutMs: number, progress?: ReadyProgress): Promise<void>;

  /** Names of the cluster's nodes, as kind names them (control-plane, worker, worker2 …). */
  nodes(): Promise<string[]>;
  /** Run a command in a node's network namespace or container. */
  nodeExec(node: string, argv: string[]): Promise<ExecResult>;
  /** Run a command in a pod's network namespace. */
  podExec(namespace: string, pod: string, argv: string[]): Promise<ExecResult>;
  /** The argv that gives the learner an interactive shell (or a command) in a pod or node. */
  shellCommand(target: { node: string } | { namespace: string; pod: string }, argv?: string[]): string[];
  /** The kubeconfig kubectl reaches this lab's own Kubernetes API with (netns labs serve one); undefined when it serves none. */
  kubeconfigFile?(): string | undefined;

  /** Send one real probe from a pod; never throws for network outcomes. */
  probe(request: ProbeRequest): Promise<ProbeResult>;

  /**
   * Rule counters and conntrack entries of the given nodes and pods, read in
   * parallel (one iptables-save per namespace), for `netbreak trace`. Optional:
   * a backend that cannot read them (a shared cluster) leaves it out. A target
   * whose rules the backend cannot reach (a pod on kind) reads as no rules.
   */
  counters?(targets: CounterTarget[]): Promise<CounterSnapshot[]>;

  /**
   * How `netbreak trace --pcap DIR` runs tcpdump on this backend, once capturing
   * can start (kind: the capture image is on this machine; else it throws, saying
   * what to do). Optional: a backend that cannot capture leaves it out.
   */
  capturer?(pcapDir: string): Promise<Capturer>;
}

export interface Capturer {
  /**
   * Absent when a pod's own eth0 can be captured. Otherwise why not; the pod's
   * host-side veth on its node, which carries the same packets, is captured instead.
   */
  podsUnreachable?: string;
  /** tcpdump runs from this machine's PATH (netns): a capture that cannot find it means it is not installed here. */
  tcpdumpOnThisMachine?: boolean;
  /** The capture of one interface of a node or pod: tcpdump with `tcpdumpArgs`, writing the file they name on this machine. */
  process(target: CounterTarget, tcpdumpArgs: string[]): CaptureProcess;
}

export interface CaptureProcess {
  /** A local process that runs the capture and ends it when sent SIGTERM (tcpdump then completes its file). */
  argv: string[];
  /**
   * Ends the capture for sure when signalling the local process did not: a
   * container that outlives its client. Synchronous, so that signal and exit
   * handlers can call it.
   */
  forceStop?(): void;
}
