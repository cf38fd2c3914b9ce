// Label and field selectors as kube-apiserver parses and applies them (?labelSelector=,
// ?fieldSelector=), with its error wording for what it refuses.
import type { KubeObject } from './objects.js';

export class SelectorError extends Error {}

type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas outside parentheses: `app in (a,b),tier=web` is two requirements. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = String.raw`(?:[A-Za-z0-9.\-]+/)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?`;

function parseRequirement(text: string): LabelRequirement {
  let m = new RegExp(`^(!)?\\s*(${KEY})$`).exec(text);
  if (m) return { key: m[2]!, op: m[1] ? 'notexists' : 'exists' };
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(text);
  if (m) return { key: m[1]!, op: m[3] === '!=' ? 'notin' : 'in', values: [m[4]!] };
  m = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(text);
  if (m) {
    const values = m[4]!.split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v))) throw new SelectorError(`unable to parse requirement: invalid label value in "${text}"`);
    return { key: m[1]!, op: m[3] as 'in' | 'notin', values };
  }
  m = new RegExp(`^(${KEY})\\s*(>|<)\\s*(-?\\d+)$`).exec(text);
  if (m) return { key: m[1]!, op: m[3] === '>' ? 'gt' : 'lt', value: Number(m[4]) };
  throw new SelectorError(
    `unable to parse requirement: "${text}" is not a label selector requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))`,
  );
}

/** `app=web,tier!=db,env in (prod,staging),!canary`; empty selects everything. */
export function parseLabelSelector(text: string): Matcher {
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return requirements.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const value = labels[r.key];
      switch (r.op) {
        case 'exists':
          return has;
        case 'notexists':
          return !has;
        case 'in':
          return has && r.values.includes(value!);
        case 'notin':
          return !has || !r.values.includes(value!);
        case 'gt':
          return has && Number(value) > r.value;
        case 'lt':
          return has && Number(value) < r.value;
      }
    });
  };
}

/** The fields kube-apiserver lets each kind be selected by, besides metadata.name and metadata.namespace. */
const FIELDS: Record<string, string[]> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
};

function fieldValue(obj: KubeObject, field: string): string {
  if (field === 'source') return String((obj as { source?: { component?: string } }).source?.component ?? '');
  if (field === 'status.podIPs') return String(((obj.status as { podIPs?: { ip: string }[] })?.podIPs ?? [])[0]?.ip ?? '');
  let value: unknown = obj;
  for (const part of field.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  // A missing boolean is false to kube-apiserver (spec.hostNetwork=false matches a pod without it); anything else is "".
  if (value === undefined && (field === 'spec.hostNetwork' || field === 'spec.unschedulable')) return 'false';
  return value === undefined || value === null ? '' : String(value);
}

/** `spec.nodeName=worker,metadata.name!=x`; throws SelectorError for a field kube-apiserver does not index for the kind. */
export function parseFieldSelector(text: string, kind: string): Matcher {
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(FIELDS[kind] ?? [])]);
  const terms = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (!allowed.has(field)) throw new SelectorError(`field label not supported: ${field}`);
      return { field, negate: op === '!=', value };
    });
  return (obj) => terms.every((t) => (fieldValue(obj, t.field) === t.value) !== t.negate);
}
