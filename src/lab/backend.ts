// A backend makes and removes labs of one kind (kind's "provider"). The engine
// finds one by name in src/lab/backends.ts.
import type { Lab } from './lab.js';
import type { BackendCapabilities } from './capabilities.js';
import type { Progress } from './progress.js';

export type Availability = { ok: true; detail: string } | { ok: false; reason: string };

export interface UpOptions {
  /** Number of worker nodes (the topology file's count when absent). */
  workers?: number;
  /** kubeconfig backend: the context to use (required: netbreak never falls back to the current context). */
  context?: string;
  /** kubeconfig backend: the kubeconfig file ($KUBECONFIG or ~/.kube/config when absent). */
  kubeconfig?: string;
  /** kubeconfig backend: whose namespaces these are (labelled netbreak.dev/learner). */
  learner?: string;
  /** Called once the lab's folder exists, before anything else is made (the engine writes its session then). */
  created?: () => void;
  /**
   * Return as soon as the lab takes objects, before the cluster's own pods (DNS,
   * kube-proxy) are ready: the lab's first waitReady() then waits for them too,
   * so they come up alongside the caller's first workloads. Backends whose up()
   * waits for a whole cluster anyway ignore it.
   */
  systemReadyWithFirstWait?: boolean;
}

export interface CleanReport {
  lab: string;
  removed: string[];
}

export interface Backend {
  /** The name users type (--backend NAME) and lab records and scenarios carry. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** Whether this machine can run labs of this kind; when not, a sentence saying what to do. */
  available(): Promise<Availability>;
  /** Creates a lab; on failure removes whatever it made before throwing. */
  up(lab: string, options: UpOptions, progress: Progress): Promise<Lab>;
  /** Connects to a running lab; throws LabNotRunningError when it is gone. */
  attach(lab: string): Promise<Lab>;
  /** Removes one lab and everything it made. */
  down(lab: string): Promise<CleanReport>;
  /**
   * Ends a lab but keeps what is slow to make (a kind cluster) for the next
   * start: the lab's namespaces and records go. Backends without it use down().
   */
  release?(lab: string): Promise<CleanReport>;
  /** The options a running lab was made with, so that reset makes it again the same way; backends whose labs need none leave it out. */
  upOptionsOf?(lab: string): UpOptions;
  /**
   * Removes what this backend's commands leave beside its labs when they are
   * killed (kind: the capture containers of a `trace --pcap`), which `clean` does
   * before it removes the labs; returns what it removed, by lab.
   */
  removeStrays?(): Promise<CleanReport[]>;
  /** Names of the labs this user's commands act on (running, or crashed but not cleaned). */
  labs(): Promise<string[]>;
  /** Names of labs `clean` would remove: these, plus crashed labs found on the machine. */
  leftovers(): Promise<string[]>;
}
