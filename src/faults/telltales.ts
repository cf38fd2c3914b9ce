// What a fault step writes, as words: the field names it changes and the values
// it puts there. `scenario validate` holds a scenario's story and early hints
// against them, because a story that says "targetPort" or "app=fronted" has
// told the learner where to look before they looked.
import type { KubeObject, ObjectRef } from '../k8s/objects.js';

export interface TelltaleContext {
  /** Manifests of the scenario, already loaded and validated, by relative path. */
  manifests: ReadonlyMap<string, KubeObject[]>;
  /** The object as the setup (or a fresh lab) has it before the fault; undefined when nothing is known of it. */
  before(ref: ObjectRef): KubeObject | undefined;
  /** Every scalar value the setup manifests hold: a value the learner meets anyway tells nothing. */
  setupValues: ReadonlySet<string>;
}

/**
 * Field names that name a mechanism. A camelCase key (targetPort, podSelector,
 * externalTrafficPolicy) always does; plain words only when they are the
 * Kubernetes term for the broken thing rather than everyday English.
 */
const TELLING_KEYS = new Set(['selector', 'replicas', 'nameservers', 'searches', 'affinity', 'command', 'args', 'ndots']);

export function tellingKey(key: string): boolean {
  return /[a-z][A-Z]/.test(key) || TELLING_KEYS.has(key);
}

/** A value worth looking for in prose: not a flag, a boolean or a lone digit. */
function tellingValue(value: string): boolean {
  return value.length >= 2 && !/^(true|false|null)$/i.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tokens of a multi-line value (a Corefile) that the old value did not have. */
function newTokens(after: string, before: unknown): string[] {
  const old = new Set(typeof before === 'string' ? before.split(/[\s{}]+/) : []);
  return after.split(/[\s{}]+/).filter((t) => t !== '' && !old.has(t));
}

/**
 * The field names on the path to every leaf that `after` changes relative to
 * `before` (telling ones only), and the new values of those leaves. Arrays are
 * compared element by element, as a merge patch of a list of ports or
 * containers lands on the same positions.
 */
export function changedWords(after: unknown, before: unknown, keys: readonly string[] = []): string[] {
  if (isPlainObject(after)) {
    const old = isPlainObject(before) ? before : {};
    return Object.entries(after).flatMap(([k, v]) => changedWords(v, old[k], [...keys, k]));
  }
  if (Array.isArray(after)) {
    const old = Array.isArray(before) ? before : [];
    return after.flatMap((v, i) => changedWords(v, old[i], keys));
  }
  if (after !== null && before !== undefined && String(after) === String(before)) return [];
  const values = after === null ? [] : typeof after === 'string' && after.includes('\n') ? newTokens(after, before) : [String(after)];
  return [...keys.filter(tellingKey), ...values.filter(tellingValue)];
}
