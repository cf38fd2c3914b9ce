// The pod-template-hash a Deployment's ReplicaSet carries in its name, its selector and its
// pods' labels, computed as the deployment controller computes it (controller.ComputeHash):
// FNV-32a of the template, its decimal digits encoded with rand.SafeEncodeString's alphabet.
// Upstream hashes the Go struct's dump; the lab hashes the template's canonical JSON, so the
// value differs from a cluster's but has its form (`api-6b8f9c7d54`) and its stability.

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Go's zero values that JSON spells out (`creationTimestamp: null`, `resources: {}`, `[]`) but a Go struct does not keep. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.values(value as object).every(isEmpty);
}

/**
 * JSON with every object's keys sorted and empty values left out, so two templates a Go client would decode
 * alike (kubectl rollout undo sends `creationTimestamp: null` and `resources: {}`) hash and compare alike.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => !isEmpty(v))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** The pod-template-hash of a pod template: stable for one template, new after any change (e.g. rollout restart). */
export function templateHash(template: unknown): string {
  return [...String(fnv32a(canonicalJson(template)))].map((digit) => SAFE_ALPHABET[digit.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

interface TemplateLike {
  metadata?: { labels?: Record<string, string> };
}

/** The template without the pod-template-hash label (and without labels when that was the only one). */
function withoutHash(template: TemplateLike | undefined): unknown {
  const labels = { ...template?.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH];
  const metadata = { ...template?.metadata, labels: Object.keys(labels).length ? labels : undefined };
  return { ...template, metadata };
}

/** Upstream's EqualIgnoreHash: whether a ReplicaSet's template is the Deployment's, the hash label aside. */
export function sameTemplateIgnoringHash(a: TemplateLike | undefined, b: TemplateLike | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}
