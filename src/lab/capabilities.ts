// What a backend can do, as data (kind's providers describe themselves the same way).
/**
 * What a backend can do and how the engine treats its labs, as data: code above
 * src/lab reads these instead of asking which backend it is, so a new backend
 * is its folder and one line in src/lab/backends.ts.
 */
export interface BackendCapabilities {
  /** How a message names where a lab runs: "the netns lab", "the kind backend". */
  readonly title: string;
  /** What it is, in a few words for --help: "a real cluster in Docker". */
  readonly summary: string;
  /** `--backend auto` tries backends with a rank, lowest first; without one it never picks this backend. */
  readonly autoRank?: number;
  /** Fault steps and commands that act on a node (iptables rules, tc, stopping kubelet) work on its labs. */
  readonly nodeFaults: boolean;
  /** Its labs read rule counters and conntrack (Lab.counters), so `netbreak trace` works. */
  readonly counters: boolean;
  /** Its labs capture packets along a trace (Lab.capturer), so `netbreak trace --pcap` works. */
  readonly pcap: boolean;
  /** Several learners share one cluster, each with their own copies of a scenario's namespaces (UpOptions.learner). */
  readonly namespacesPerLearner: boolean;
  /** How long a scenario's workloads may take to become Ready. */
  readonly readyTimeoutMs: number;
  /** A change takes time to show in probes (images pulled, endpoints propagated), so start waits longer for it. */
  readonly slowToSettle: boolean;
  /**
   * Removing the lab removes every change netbreak made: reset builds a new lab
   * instead of undoing the journal, and Ctrl-C during start removes the lab at once.
   */
  readonly disposable: boolean;
  /** What release() keeps for the next start, as messages name it ("its kind cluster"); absent when it has no release(). */
  readonly keptOnRelease?: string;
  /** `netbreak lab up --nodes N` sets how many worker nodes its labs have. */
  readonly setsWorkerCount: boolean;
  /** `netbreak lab up` and `lab down` make and remove its labs on their own, without a scenario. */
  readonly standaloneLabs: boolean;
  /** What `netbreak clean` removes beyond the lab, for the message after an interrupted start; absent when nothing. */
  readonly cleanAlsoRemoves?: string;
}
