// Labels and label selectors written as kube-apiserver's printers write them
// (apimachinery's labels.FormatLabels and LabelSelectorAsSelector(...).String()).

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

/** `a=b,c=d` with keys sorted; "<none>" for no labels. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

const OPERATORS: Record<string, (key: string, values: string[]) => string> = {
  In: (key, values) => `${key} in (${values.join(',')})`,
  NotIn: (key, values) => `${key} notin (${values.join(',')})`,
  Exists: (key) => key,
  DoesNotExist: (key) => `!${key}`,
};

/**
 * A selector's string form: requirements sorted by key, values sorted, `=` for matchLabels.
 * Empty for a selector that selects everything (and for none at all, as labels.Nothing() prints).
 * "<error>" when an operator is unknown, as metav1.FormatLabelSelector says for a selector it cannot convert.
 */
export function selectorString(selector: LabelSelector | undefined | null): string {
  if (!selector) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push({ key, text: `${key}=${value}` });
  for (const expr of selector.matchExpressions ?? []) {
    const write = OPERATORS[expr.operator];
    if (!write) return '<error>';
    requirements.push({ key: expr.key, text: write(expr.key, [...(expr.values ?? [])].sort()) });
  }
  // Go's sort of requirements by key is not stable for equal keys; kubectl users see them in key order.
  return requirements
    .sort((a, b) => compare(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: the NetworkPolicy POD-SELECTOR column; "<none>" for an empty selector. */
export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  return selectorString(selector ?? {}) || '<none>';
}

/** Byte-wise order, as Go compares strings (localeCompare would put "B" after "a"). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
