// What `check` prints for a guard, in one place: check.ts grades with it and the
// session record (history/record.ts) lists the items check will report.
import { refString } from '../k8s/objects.js';
import { parseObjectRef } from '../k8s/object-ref.js';
import type { Guard, ProbeSpec } from './schema.js';

/** `shop/frontend → http://api… expects timeout`: a probe as check names it. */
export function probeDescription(p: Pick<ProbeSpec, 'from' | 'to' | 'expect'>): string {
  return `${p.from} → ${p.to} expects ${p.expect === 'failure' ? 'to fail' : p.expect}`;
}

/** A taint as kubectl writes it: `key=value:Effect`, or `key:Effect` without a value. */
export function taintText(t: { key: string; value?: string | undefined; effect: string }): string {
  return `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`;
}

export function guardDescription(g: Guard): string {
  if ('probe' in g) return probeDescription(g.probe);
  if ('taint' in g) return `Node/${g.taint.node} keeps its taint ${taintText(g.taint)}`;
  const exists = 'exists' in g;
  return `${refString(parseObjectRef(exists ? g.exists : g.absent))} ${exists ? 'still exists' : 'is gone'}`;
}
