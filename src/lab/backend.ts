// A backend makes and removes labs of one kind (kind's "provider"). The engine
// finds one by name in src/lab/backends.ts.
import type { KubeProxyMode } from '../k8s/kube-proxy/proxy-mode.js';
import type { Lab } from './lab.js';
import type { BackendCapabilities } from './capabilities.js';
import type { Progress } from './progress.js';
import type { ContainerEngine } from './state.js';

export type Availability = { ok: true; detail: string } | { ok: false; reason: string };

export interface UpOptions {
  /** Number of worker nodes (the topology file's count when absent). */
  workers?: number;
  /** kube-proxy's mode on every node (the topology file's, iptables by default, when absent). */
  kubeProxyMode?: KubeProxyMode;
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

/**
 * How a backend whose labs run container images preloads them (`netbreak images`, for a workshop
 * without internet). A method that cannot do its part throws one sentence saying what to do.
 */
export interface ImagePreload {
  /** Images its labs run besides the scenarios' own: the probe image, the capture image of `trace --pcap`. */
  readonly ownImages: readonly string[];
  /** The container engine that holds images on this machine. */
  engine(): Promise<ContainerEngine>;
  /** Pulls one image onto this machine. */
  pull(engine: ContainerEngine, image: string): Promise<void>;
  /** The images this machine does not have yet. */
  missing(engine: ContainerEngine, images: readonly string[]): Promise<string[]>;
  /** The cluster of a lab, once it is sure images may go there: the cluster exists and netbreak created it. */
  clusterOf(engine: ContainerEngine, lab: string): Promise<string>;
  /** Copies the images from this machine into every node of that cluster. */
  load(engine: ContainerEngine, cluster: string, images: readonly string[]): Promise<void>;
}

/** One thing of a backend's on this machine, as `netbreak doctor` lists it under "Labs on this machine". */
export interface InventoryItem {
  lab: string;
  /** What it is and its state, for the line after the lab's name: "running, 0 namespace(s), 2 process(es)". */
  text: string;
  /** Left over (`netbreak clean` removes it) rather than in use: doctor marks the line. */
  leftover: boolean;
  /** The item as `doctor --json` shows it. */
  json: Record<string, unknown>;
}

/** Items of one sort (labs, clusters, containers) under the key `doctor --json` gives them. */
export interface InventorySection {
  key: string;
  items: InventoryItem[];
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
  /**
   * What this backend has on this machine (labs, and what its commands leave beside them), for `netbreak doctor`.
   * Changes nothing. Backends with nothing to show beyond labs() leave it out.
   */
  inventory?(): Promise<InventorySection[]>;
  /** Present when its labs run container images that `netbreak images` can preload. */
  readonly images?: ImagePreload;
  /** Names of the labs this user's commands act on (running, or crashed but not cleaned). */
  labs(): Promise<string[]>;
  /** Names of labs `clean` would remove: these, plus crashed labs found on the machine. */
  leftovers(): Promise<string[]>;
}
