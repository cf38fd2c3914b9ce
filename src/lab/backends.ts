// Every backend, in one explicit list: a new backend is its folder under
// src/lab/ and one line here. Everything else (the --backend choices, what
// `auto` tries, the names scenarios may declare) is derived from this list.
import type { Backend } from './backend.js';
import { readLabRecord } from './state.js';
import { kindEntry } from './kind/entry.js';
import { kubeconfigEntry } from './kubeconfig/entry.js';
import { netnsEntry } from './netns/entry.js';

/** The first is the default: a lab without a record of its backend was made by it. */
export const backends: readonly Backend[] = [netnsEntry, kindEntry, kubeconfigEntry];

export const DEFAULT_BACKEND: Backend = backends[0]!;

/** The names users type after --backend, and scenarios list under `backends:`. */
export const BACKEND_NAMES: readonly string[] = backends.map((b) => b.name);

export function backendByName(name: string): Backend | undefined {
  return backends.find((b) => b.name === name);
}

/** The backend that made a lab, from the lab's record (the default backend when it has none). */
export function backendOfLab(lab: string): Backend {
  return backendByName(readLabRecord(lab)?.backend ?? DEFAULT_BACKEND.name) ?? DEFAULT_BACKEND;
}

/** The backend a lab's record names; undefined when the lab has no record (a crashed lab, or a kind cluster whose folder is gone). */
export function recordedBackendOf(lab: string): Backend | undefined {
  const name = readLabRecord(lab)?.backend;
  return name !== undefined ? backendNamed(name) : undefined;
}

/** The backend a session or record names; the default one for records from before backends had names. */
export function backendNamed(name: string | undefined): Backend {
  return (name !== undefined ? backendByName(name) : undefined) ?? DEFAULT_BACKEND;
}

/** The labs of every backend on this machine (running, or crashed but not cleaned), sorted. */
export async function labsOfAllBackends(): Promise<string[]> {
  return [...new Set((await Promise.all(backends.map((b) => b.labs()))).flat())].sort();
}

export const BACKEND_CHOICES: readonly string[] = ['auto', ...BACKEND_NAMES];
/** `auto` or one of BACKEND_NAMES (commander checks it against BACKEND_CHOICES). */
export type BackendChoice = string;

/** What --backend auto tries, in order: the backends with an autoRank, lowest first (a real cluster when Docker and kind answer, else the embedded lab). */
export const AUTO_ORDER: readonly string[] = backends
  .filter((b) => b.capabilities.autoRank !== undefined)
  .sort((a, b) => a.capabilities.autoRank! - b.capabilities.autoRank!)
  .map((b) => b.name);

/** Backends whose labs `netbreak lab up` and `lab down` make and remove on their own. */
export const STANDALONE_BACKEND_NAMES: readonly string[] = backends.filter((b) => b.capabilities.standaloneLabs).map((b) => b.name);

export type BackendPick = { backend: Backend } | { problem: 'not-declared' | 'unavailable'; reason: string };

/**
 * The backend a scenario runs on. An explicit choice must be one the scenario
 * declares (its availability is checked by up()); `auto` takes the first of
 * AUTO_ORDER that the scenario declares and this machine can run.
 */
export async function pickBackend(choice: BackendChoice, declared: readonly string[]): Promise<BackendPick> {
  if (choice !== 'auto') {
    if (!declared.includes(choice)) return { problem: 'not-declared', reason: `it runs on ${declared.join(', ')}` };
    return { backend: backendByName(choice)! };
  }
  const candidates = AUTO_ORDER.filter((name) => declared.includes(name));
  const reasons: string[] = [];
  for (const name of candidates) {
    const backend = backendByName(name)!;
    const availability = await backend.available();
    if (availability.ok) return { backend };
    reasons.push(`${name}: ${availability.reason}`);
  }
  if (candidates.length === 0)
    return { problem: 'not-declared', reason: `it runs only on ${declared.join(', ')}, which --backend auto never picks: name one with --backend` };
  return { problem: 'unavailable', reason: reasons.join('; ') };
}
