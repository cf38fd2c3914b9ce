// "A guard never checks something the task did not ask for": every guard's
// subject (the object it protects, a probe's source and target, the pods that
// must answer) is named in the task text, so a learner graded by a guard was
// told about it up front, as an exam task states its acceptance criteria.
import { parseObjectRef } from '../k8s/object-ref.js';
import { containsToken } from './leak-check.js';
import type { LoadedScenario } from './loader.js';
import type { Guard, ProbeSpec } from './schema.js';

export interface UnstatedGuard {
  /** The guard field whose subject the task does not name: `guards[1].probe.from` … */
  path: string;
  problem: string;
}

/** The namespaces the scenario plays in: the symptom's caller's and target's. A task need not repeat them for every object. */
function homeNamespaces(loaded: LoadedScenario): Set<string> {
  const { symptom } = loaded.scenario;
  const target = targetSubjects(symptom.to).namespace;
  return new Set([symptom.from.split('/')[0]!, ...(target ? [target] : [])]);
}

/**
 * What a probe URL's target is called in prose: a Service (and its namespace)
 * for a cluster name, the first label of another name, an address as written.
 */
function targetSubjects(url: string): { name: string; namespace?: string; port?: string } {
  const match = /^[a-z]+:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?/.exec(url);
  const host = match?.[1] ?? '';
  const port = match?.[2];
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return { name: host, ...(port ? { port } : {}) };
  const labels = host.split('.');
  const service = /^[^.]+\.[^.]+\.svc(\.|$)/.test(host);
  return { name: labels[0]!, ...(service ? { namespace: labels[1]! } : {}), ...(port ? { port } : {}) };
}

/** The ports the verify probes already ask about, per target name: a guard on one of them asks nothing new. */
function verifiedPorts(loaded: LoadedScenario): Map<string, Set<string>> {
  const ports = new Map<string, Set<string>>();
  for (const { probe } of loaded.scenario.verify) {
    const t = targetSubjects(probe.to);
    if (!ports.has(t.name)) ports.set(t.name, new Set());
    if (t.port) ports.get(t.name)!.add(t.port);
  }
  return ports;
}

/** A guard's subject: the word the task must contain, and what the error says when it does not. */
interface Subject {
  field: string;
  word: string;
  missing: string;
}

const unnamed = (word: string, what: string) => `never names "${word}", ${what}`;

function probeSubjects(probe: ProbeSpec, home: Set<string>, verified: Map<string, Set<string>>): Subject[] {
  const [fromNs, fromName] = probe.from.split('/') as [string, string];
  const target = targetSubjects(probe.to);
  const subjects = [{ field: 'probe.from', word: fromName, missing: unnamed(fromName, "where the guard's probe starts") }];
  if (!home.has(fromNs)) subjects.push({ field: 'probe.from', word: fromNs, missing: unnamed(fromNs, "the namespace the guard's probe starts in") });
  subjects.push({ field: 'probe.to', word: target.name, missing: unnamed(target.name, "the target of the guard's probe") });
  if (target.namespace && !home.has(target.namespace))
    subjects.push({ field: 'probe.to', word: target.namespace, missing: unnamed(target.namespace, "the namespace of the guard's probe target") });
  // A port matters when the task otherwise talks about another port of the same target.
  const known = verified.get(target.name);
  if (target.port && known && known.size > 0 && !known.has(target.port))
    subjects.push({
      field: 'probe.to',
      word: target.port,
      missing: unnamed(target.port, `the port the guard probes on ${target.name}, not the one the task is about`),
    });
  if (probe.backend) {
    const backend = probe.backend.replace(/-+$/, '').split('/').at(-1)!;
    if (backend) subjects.push({ field: 'probe.backend', word: backend, missing: unnamed(backend, "the pods that must answer the guard's probe") });
  }
  return subjects;
}

/** "NetworkPolicy", "NetworkPolicies", "Deployments" …: the kind as prose writes it, in any case. */
function namesKind(text: string, kind: string): boolean {
  const plural = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  return containsToken(text, kind) || containsToken(text, plural);
}

/**
 * An object a guard keeps (or wants gone) is named by its name, or by its kind
 * in its namespace ("no NetworkPolicy in shop may be deleted"): naming the one
 * object could point at the cause when the fault made it.
 */
function objectSubjects(guard: Exclude<Guard, { probe: unknown } | { taint: unknown }>, home: Set<string>, task: string): Subject[] {
  const field = 'exists' in guard ? 'exists' : 'absent';
  const ref = parseObjectRef((guard as Record<string, string>)[field]!);
  const keeps = field === 'exists' ? 'keeps' : 'wants gone';
  if (containsToken(task, ref.name)) return [];
  const subjects: Subject[] = [];
  if (!namesKind(task, ref.kind))
    subjects.push({ field, word: ref.kind, missing: `names neither the ${ref.kind} this guard ${keeps} nor ${ref.kind} objects in its namespace` });
  if (ref.namespace && !home.has(ref.namespace) && !containsToken(task, ref.namespace)) {
    subjects.push({ field, word: ref.namespace, missing: unnamed(ref.namespace, `the namespace of the ${ref.kind} this guard ${keeps}`) });
  }
  return subjects;
}

/** A taint guard's subject is its node: "worker2 stays in the batch pool as it is" states it without naming the taint. */
function taintSubjects(node: string): Subject[] {
  return [{ field: 'taint.node', word: node, missing: unnamed(node, 'the node whose taint this guard keeps') }];
}

/** Every guard subject the variant's task text leaves unnamed; [] when the task states all it is graded on. */
export function unstatedGuards(loaded: LoadedScenario): UnstatedGuard[] {
  const { task, guards } = loaded.scenario;
  const home = homeNamespaces(loaded);
  const verified = verifiedPorts(loaded);
  const found: UnstatedGuard[] = [];
  guards.forEach((guard, i) => {
    const subjects =
      'probe' in guard ? probeSubjects(guard.probe, home, verified) : 'taint' in guard ? taintSubjects(guard.taint.node) : objectSubjects(guard, home, task);
    // Object subjects come back already filtered: a kind may be named in the plural.
    const missing = 'probe' in guard || 'taint' in guard ? subjects.filter((s) => !containsToken(task, s.word)) : subjects;
    for (const s of missing) {
      found.push({
        path: `guards[${i}].${s.field}`,
        problem: `checks something the task does not ask for: the task ${s.missing}; state it in task: as an acceptance criterion, without naming the cause`,
      });
    }
  });
  return found;
}
