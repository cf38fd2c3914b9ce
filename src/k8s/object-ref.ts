// An object named in text, as scenario files, fault steps and diagnoses write it:
// `Kind/namespace/name` for namespaced kinds, `Kind/name` for cluster-scoped ones.
import { z } from 'zod';
import type { ObjectRef } from './objects.js';

export const ObjectRefString = z.string().regex(/^[A-Z][A-Za-z]+\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, {
  message: 'must look like Kind/namespace/name (for example NetworkPolicy/shop/default-deny)',
});

/** Parses `Kind/namespace/name` or `Kind/name` (already checked by ObjectRefString). */
export function parseObjectRef(text: string): ObjectRef {
  const [kind, a, b] = text.split('/');
  return b === undefined ? { kind: kind!, name: a! } : { kind: kind!, namespace: a!, name: b };
}
