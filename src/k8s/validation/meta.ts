// Validation of what every object carries: its name and namespace, labels and
// annotations, and the label selectors workloads, Services and policies hold
// (k8s.io/apimachinery/pkg/api/validation and metav1/validation).
import { type FieldError, forbidden, invalid, required } from './field-error.js';
import { dns1123Label, labelValue, qualifiedName } from './identifiers.js';

interface Meta {
  name?: unknown;
  generateName?: unknown;
  namespace?: unknown;
  labels?: unknown;
  annotations?: unknown;
}

export type NameCheck = (name: string) => string[];

export function validateObjectMeta(meta: Meta | undefined, namespaced: boolean, nameCheck: NameCheck): FieldError[] {
  const out: FieldError[] = [];
  const name = meta?.name;
  if (typeof name !== 'string' || name === '') {
    if (!meta?.generateName) out.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameCheck(name)) out.push(invalid('metadata.name', name, msg));
  }
  if (namespaced && typeof meta?.namespace === 'string' && meta.namespace !== '') {
    for (const msg of dns1123Label(meta.namespace)) out.push(invalid('metadata.namespace', meta.namespace, msg));
  }
  out.push(...validateLabels(meta?.labels, 'metadata.labels'));
  if (meta?.annotations && typeof meta.annotations === 'object') {
    for (const key of Object.keys(meta.annotations)) {
      for (const msg of qualifiedName(key.toLowerCase())) out.push(invalid('metadata.annotations', key, msg));
    }
  }
  return out;
}

export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (!labels || typeof labels !== 'object') return [];
  const out: FieldError[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    for (const msg of qualifiedName(key)) out.push(invalid(field, key, msg));
    if (typeof value === 'string') for (const msg of labelValue(value)) out.push(invalid(field, value, msg));
  }
  return out;
}

interface Requirement {
  key?: unknown;
  operator?: unknown;
  values?: unknown;
}

/** A metav1.LabelSelector at `field` (absent is valid: the caller says when it is required). */
export function validateLabelSelector(selector: unknown, field: string): FieldError[] {
  if (!selector || typeof selector !== 'object') return [];
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const out = validateLabels(matchLabels, `${field}.matchLabels`);
  if (Array.isArray(matchExpressions)) {
    matchExpressions.forEach((r: Requirement, i) => {
      const at = `${field}.matchExpressions[${i}]`;
      const values = Array.isArray(r?.values) ? r.values : [];
      if (r?.operator === 'In' || r?.operator === 'NotIn') {
        if (values.length === 0) out.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      } else if (r?.operator === 'Exists' || r?.operator === 'DoesNotExist') {
        if (values.length > 0) out.push(forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      } else {
        out.push(invalid(`${at}.operator`, r?.operator, 'not a valid selector operator'));
      }
      if (typeof r?.key === 'string') for (const msg of qualifiedName(r.key)) out.push(invalid(`${at}.key`, r.key, msg));
      values.forEach((v: unknown, j: number) => {
        if (typeof v === 'string') for (const msg of labelValue(v)) out.push(invalid(`${at}.values[${j}]`, v, msg));
      });
    });
  }
  return out;
}
