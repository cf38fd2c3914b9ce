// A backend makes and removes labs of one kind (kind's "provider"). The engine
// finds one by name in src/lab/backends.ts.
import type { KubeProxyMode } from '../k8s/kube-proxy/proxy-mode.js';
import type { Lab } from './lab.js';
import { LAB_NAME_PATTERN } from './netns/names.js';
import type { Progress } from './progress.js';

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

export interface Backend {
  readonly name: 'netns' | 'kind' | 'kubeconfig';
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
  /** Names of the labs this user's commands act on (running, or crashed but not cleaned). */
  labs(): Promise<string[]>;
  /** Names of labs `clean` would remove: these, plus crashed labs found on the machine. */
  leftovers(): Promise<string[]>;
}

export class LabNotRunningError extends Error {}
export class PreflightError extends Error {}

/**
 * The cluster or container engine a lab runs on did not answer, or refused
 * netbreak (connection refused, a certificate or credential it rejects, a
 * kubeconfig that is gone, Docker stopped): the user's environment, never a bug.
 * The message is one sentence naming the component and what to do. exitCode is
 * 3 while a lab is being made (this machine cannot run it) and 4 once it ran
 * (the lab died), as README's exit-code table says.
 */
export class ClusterAccessError extends Error {
  constructor(
    message: string,
    readonly exitCode: 3 | 4 = 3,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The same error with what start could not remove named for `netbreak clean`:
 * a user's error keeps its class (and so its exit code), anything else is
 * returned as it was.
 */
export function leftForClean(error: unknown, what: string): unknown {
  const tail = `, and ${what} is left for "netbreak clean" to remove`;
  const text = (e: Error) => e.message.replace(/\.$/, '') + tail;
  if (error instanceof ClusterAccessError) return new ClusterAccessError(text(error), error.exitCode, { cause: error });
  if (error instanceof PreflightError) return new PreflightError(text(error), { cause: error });
  return error;
}

/** Every backend names its lab's namespaces, folders or cluster after the lab: one rule for all of them. */
export function assertLabName(lab: string): void {
  if (!LAB_NAME_PATTERN.test(lab)) throw new PreflightError(`lab name "${lab}" is not valid: use 1–20 lower-case letters, digits and dashes`);
}
