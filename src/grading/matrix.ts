// The reachability matrix: every selected pod probes every selected pod on one
// port and protocol, and the answers fold into a truth table like the upstream
// NetworkPolicy e2e tests print (test/e2e/network/netpol/truthtable.go): rows
// are sources, columns are destinations, `.` reachable, `X` blocked.
//
// Everything here is plain data except runMatrix, which only calls the
// probeMany function it is given, so the CLI and the conformance tests share
// one implementation and the unit tests can fake the lab.
import type { ProbeRequest, ProbeResult } from '../lab/lab.js';
import type { KubeObject } from '../k8s/objects.js';

export type MatrixProtocol = 'tcp' | 'udp';

export interface MatrixPod {
  /** How tables name the pod: `ns/<pod label>` or `ns/<deployment>` (see podDisplayNames). */
  name: string;
  /** `ns/<pod name>`: what a probe is sent from. */
  ref: string;
  ip: string;
}

/** A square table over `pods`; `cells[i][j]` is "pods[i] reaches pods[j]". */
export interface TruthTable {
  pods: string[];
  cells: boolean[][];
}

/** Matches a pod name `ns/pod`; an absent field matches everything (upstream's Peer). */
export interface Peer {
  namespace?: string;
  pod?: string;
}

export interface CellResult {
  from: string;
  to: string;
  reachable: boolean;
  /** The outcome of the last attempt (success, timeout, refused …), or absent when the probe could not be sent. */
  outcome?: string;
  /** Why the probe could not be sent (the source pod is not running …). */
  error?: string;
  attempts: number;
}

export interface MatrixResult {
  port: number;
  protocol: MatrixProtocol;
  pods: MatrixPod[];
  table: TruthTable;
  /** Row-major, in the order of `pods`. */
  results: CellResult[];
  ms: number;
}

export interface CellDiff {
  from: string;
  to: string;
  expected: boolean;
  observed: boolean;
}

type ProbeAnswer = ProbeResult | { error: string };

// ---- which pods, and what to call them -------------------------------------

interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: unknown;
  status?: unknown;
}

function controllerOwner(pod: PodLike) {
  return (pod.metadata.ownerReferences ?? []).find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
}

/**
 * The names a pod could go by, preferred first: its `pod` label (upstream's
 * model labels every pod `pod=<name>`), the name of the workload that owns it
 * (a ReplicaSet's pod-template-hash removed), that name plus the pod's random
 * suffix, and finally the pod's own name.
 */
export function nameCandidates(pod: PodLike): string[] {
  const name = pod.metadata.name;
  const out: string[] = [];
  const label = pod.metadata.labels?.['pod'];
  if (label) out.push(label);
  const owner = controllerOwner(pod);
  if (owner && name.startsWith(`${owner.name}-`)) {
    let base = owner.name;
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet' && hash && base.endsWith(`-${hash}`)) base = base.slice(0, -hash.length - 1);
    const suffix = name.slice(name.lastIndexOf('-') + 1);
    out.push(base);
    if (suffix !== name) out.push(`${base}-${suffix}`);
  }
  out.push(name);
  return [...new Set(out)];
}

/**
 * `ns/name` → the name a table shows, `ns/<short>`: the first candidate that
 * no other pod of the same namespace could also go by, else the pod's own name
 * (always unique within its namespace).
 */
export function podDisplayNames(pods: PodLike[]): Map<string, string> {
  const byNamespace = new Map<string, PodLike[]>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? 'default';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), pod]);
  }
  const picked = new Map<PodLike, string>();
  for (const [ns, group] of byNamespace) {
    const candidates = group.map(nameCandidates);
    group.forEach((pod, i) => {
      const taken = new Set(candidates.flatMap((c, j) => (j === i ? [] : c)));
      picked.set(pod, `${ns}/${candidates[i]!.find((c) => !taken.has(c)) ?? pod.metadata.name}`);
    });
  }
  return new Map(pods.map((pod) => [`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`, picked.get(pod)!]));
}

/**
 * The pods of `namespaces` that have their own pod IP (host-network pods and
 * pods without an address yet are left out), ordered by the namespaces as
 * given, then by display name.
 */
export function matrixPods(pods: PodLike[], namespaces: string[]): MatrixPod[] {
  const selected = pods.filter((p) => {
    const spec = p.spec as { hostNetwork?: boolean } | undefined;
    const ip = (p.status as { podIP?: string } | undefined)?.podIP;
    return namespaces.includes(p.metadata.namespace ?? 'default') && !spec?.hostNetwork && Boolean(ip);
  });
  const names = podDisplayNames(selected);
  return selected
    .map((p) => {
      const ref = `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
      return { name: names.get(ref)!, ref, ip: (p.status as { podIP: string }).podIP };
    })
    .sort((a, b) => {
      const ns = namespaces.indexOf(a.name.split('/')[0]!) - namespaces.indexOf(b.name.split('/')[0]!);
      return ns !== 0 ? ns : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
}

// ---- probing ----------------------------------------------------------------

export function probeUrl(ip: string, port: number, protocol: MatrixProtocol): string {
  return `${protocol}://${ip}:${port}`;
}

/** Every (from, to) pair, row-major: pods[0]→pods[0], pods[0]→pods[1], … */
export function matrixProbes(pods: MatrixPod[], port: number, protocol: MatrixProtocol, timeoutMs: number): ProbeRequest[] {
  return pods.flatMap((from) => pods.map((to) => ({ from: from.ref, to: probeUrl(to.ip, port, protocol), timeoutMs })));
}

/** A row-major list of n×n answers as a table over `pods`. */
export function foldResults(pods: string[], reachable: boolean[]): TruthTable {
  if (reachable.length !== pods.length * pods.length) {
    throw new Error(`a matrix over ${pods.length} pods needs ${pods.length ** 2} results, got ${reachable.length}`);
  }
  return { pods: [...pods], cells: pods.map((_, i) => reachable.slice(i * pods.length, (i + 1) * pods.length)) };
}

export interface MatrixOptions {
  port: number;
  protocol: MatrixProtocol;
  /** Per-probe timeout of the first round. */
  timeoutMs?: number;
  /** Per-probe timeout of the one retry of the probes that failed. */
  retryTimeoutMs?: number;
}

export const MATRIX_TIMEOUT_MS = 300;
export const MATRIX_RETRY_TIMEOUT_MS = 600;

/**
 * Sends every probe at once with a short timeout, then sends the failed ones
 * once more with a longer one: a cell is reachable when either attempt got
 * through, so one lost packet cannot turn `.` into `X`. A blocked cell costs
 * timeoutMs + retryTimeoutMs; an all-reachable matrix costs one round trip.
 */
export async function runMatrix(
  probeMany: (requests: ProbeRequest[]) => Promise<ProbeAnswer[]>,
  pods: MatrixPod[],
  options: MatrixOptions,
): Promise<MatrixResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? MATRIX_TIMEOUT_MS;
  const retryTimeoutMs = options.retryTimeoutMs ?? MATRIX_RETRY_TIMEOUT_MS;
  const requests = matrixProbes(pods, options.port, options.protocol, timeoutMs);
  const answers = await probeMany(requests);
  const attempts = answers.map(() => 1);
  const failed = answers.flatMap((a, i) => (succeeded(a) ? [] : [i]));
  if (failed.length > 0) {
    const again = await probeMany(failed.map((i) => ({ ...requests[i]!, timeoutMs: retryTimeoutMs })));
    failed.forEach((i, k) => {
      answers[i] = again[k]!;
      attempts[i] = 2;
    });
  }
  const n = pods.length;
  const results: CellResult[] = answers.map((a, i) => ({
    from: pods[Math.floor(i / n)]!.name,
    to: pods[i % n]!.name,
    reachable: succeeded(a),
    ...('error' in a ? { error: a.error } : { outcome: a.outcome }),
    attempts: attempts[i]!,
  }));
  return {
    port: options.port,
    protocol: options.protocol,
    pods,
    table: foldResults(
      pods.map((p) => p.name),
      results.map((r) => r.reachable),
    ),
    results,
    ms: Math.round(performance.now() - started),
  };
}

function succeeded(answer: ProbeAnswer | undefined): boolean {
  return answer !== undefined && !('error' in answer) && answer.outcome === 'success';
}

/** What `probe --matrix -o json` prints. */
export function matrixJson(result: MatrixResult): {
  port: number;
  protocol: MatrixProtocol;
  results: { from: string; to: string; reachable: boolean; error?: string }[];
} {
  return {
    port: result.port,
    protocol: result.protocol,
    results: result.results.map((r) => ({ from: r.from, to: r.to, reachable: r.reachable, ...(r.error ? { error: r.error } : {}) })),
  };
}

// ---- expectations, built the way upstream builds them ----------------------

export function newTruthTable(pods: string[], value: boolean): TruthTable {
  return { pods: [...pods], cells: pods.map(() => pods.map(() => value)) };
}

function indexOf(table: TruthTable, pod: string): number {
  const i = table.pods.indexOf(pod);
  if (i < 0) throw new Error(`pod ${pod} is not in the table (${table.pods.join(', ')})`);
  return i;
}

export function getCell(table: TruthTable, from: string, to: string): boolean {
  return table.cells[indexOf(table, from)]![indexOf(table, to)]!;
}

export function expectCell(table: TruthTable, from: string, to: string, value: boolean): void {
  table.cells[indexOf(table, from)]![indexOf(table, to)] = value;
}

/** Every source to `to`. */
export function expectAllIngress(table: TruthTable, to: string, value: boolean): void {
  const j = indexOf(table, to);
  for (const row of table.cells) row[j] = value;
}

/** `from` to every destination. */
export function expectAllEgress(table: TruthTable, from: string, value: boolean): void {
  table.cells[indexOf(table, from)]!.fill(value);
}

export function peerMatches(peer: Peer, pod: string): boolean {
  const [ns, name] = pod.split('/');
  return (peer.namespace === undefined || peer.namespace === ns) && (peer.pod === undefined || peer.pod === name);
}

/** Every pair whose source matches `from` and destination matches `to`. */
export function expectPeer(table: TruthTable, from: Peer, to: Peer, value: boolean): void {
  table.pods.forEach((f, i) => {
    if (!peerMatches(from, f)) return;
    table.pods.forEach((t, j) => {
      if (peerMatches(to, t)) table.cells[i]![j] = value;
    });
  });
}

/**
 * The cells where `observed` differs from `expected`. Loopback (a pod probing
 * itself) is ignored by default, as upstream does: it never leaves the pod.
 */
export function compareTables(expected: TruthTable, observed: TruthTable, options: { ignoreLoopback?: boolean } = {}): CellDiff[] {
  const ignoreLoopback = options.ignoreLoopback ?? true;
  if (expected.pods.join('\n') !== observed.pods.join('\n')) {
    throw new Error(`cannot compare tables over different pods: [${expected.pods.join(', ')}] vs [${observed.pods.join(', ')}]`);
  }
  const diffs: CellDiff[] = [];
  expected.pods.forEach((from, i) => {
    expected.pods.forEach((to, j) => {
      if (ignoreLoopback && i === j) return;
      const e = expected.cells[i]![j]!;
      const o = observed.cells[i]![j]!;
      if (e !== o) diffs.push({ from, to, expected: e, observed: o });
    });
  });
  return diffs;
}

// ---- text --------------------------------------------------------------------

/** Rows are sources, columns destinations; `.` reachable, `X` blocked. Columns are as wide as their heading (upstream separates them with tabs). */
export function renderTruthTable(table: TruthTable, corner = '-'): string {
  const first = Math.max(corner.length, ...table.pods.map((p) => p.length));
  const row = (label: string, cells: string[]) => [label.padEnd(first), ...cells.map((c, j) => c.padEnd(table.pods[j]!.length))].join(' ').trimEnd();
  return [
    row(corner, table.pods),
    ...table.pods.map((from, i) =>
      row(
        from,
        table.cells[i]!.map((v) => (v ? '.' : 'X')),
      ),
    ),
  ].join('\n');
}

export function describeDiffs(diffs: CellDiff[]): string {
  const word = (v: boolean) => (v ? 'reachable' : 'blocked');
  return diffs.map((d) => `${d.from} -> ${d.to}: expected ${word(d.expected)}, observed ${word(d.observed)}`).join('\n');
}
