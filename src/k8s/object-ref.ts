import type { ObjectRef } from './objects.js';

/** Parses `Kind/namespace/name` or `Kind/name` (already checked by the scenario schema). */
export function parseObjectRef(text: string): ObjectRef {
  const [kind, a, b] = text.split('/');
  return b === undefined ? { kind: kind!, name: a! } : { kind: kind!, namespace: a!, name: b };
}
