// Every backend, in one explicit list.
import type { Backend } from './backend.js';
import { kindBackendAvailability } from './kind/availability.js';
import { labsOfBackend, readLabRecord } from './state.js';
import { lazyBackend } from './lazy-backend.js';
import { netnsBackend } from './netns/backend.js';

export const backends: readonly Backend[] = [
  netnsBackend,
  lazyBackend({
    name: 'kind',
    load: async () => (await import('./kind/backend.js')).kindBackend,
    labs: async () => labsOfBackend('kind'),
    available: kindBackendAvailability,
    release: true,
  }),
  lazyBackend({
    name: 'kubeconfig',
    load: async () => (await import('./kubeconfig/backend.js')).kubeconfigBackend,
    labs: async () => labsOfBackend('kubeconfig'),
    // Reading a kubeconfig takes the Kubernetes client; --backend auto never asks this one.
    available: async () => (await import('./kubeconfig/backend.js')).kubeconfigBackend.available(),
    release: false,
  }),
];

export function backendByName(name: string): Backend | undefined {
  return backends.find((b) => b.name === name);
}

/** The backend that made a lab, from the lab's record (netns when it has none). */
export function backendOfLab(lab: string): Backend {
  return backendByName(readLabRecord(lab)?.backend ?? 'netns') ?? netnsBackend;
}

export const BACKEND_CHOICES = ['auto', 'netns', 'kind', 'kubeconfig'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** What --backend auto tries, in order: a real cluster when Docker and kind answer, else the embedded lab. */
export const AUTO_ORDER = ['kind', 'netns'] as const;

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
  if (candidates.length === 0) return { problem: 'not-declared', reason: `it runs only on ${declared.join(', ')}, which --backend auto never picks: name one with --backend` };
  return { problem: 'unavailable', reason: reasons.join('; ') };
}
