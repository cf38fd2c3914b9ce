// metav1.LabelSelector semantics, as NetworkPolicy uses them.
//
// An absent (null) selector matches nothing and an empty one `{}` matches
// everything (metav1.LabelSelectorAsSelector returns labels.Nothing() for nil and
// labels.Everything() for an empty selector). Inside a NetworkPolicyPeer the
// distinction matters one level up: an absent `namespaceSelector` means "the
// policy's own namespace", an empty one means "every namespace"; that rule lives
// in policy.ts, not here.
import type { V1LabelSelector } from '@kubernetes/client-node';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Problems that make the API server reject a selector, each prefixed with `path`
 * (e.g. `spec.podSelector.matchExpressions[0].operator: ...`). Empty when valid.
 */
export function labelSelectorProblems(selector: V1LabelSelector | undefined, path: string): string[] {
  const problems: string[] = [];
  (selector?.matchExpressions ?? []).forEach((expr, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    if (!OPERATORS.has(expr.operator)) {
      problems.push(`${at}.operator: unsupported operator "${expr.operator}" (want In, NotIn, Exists or DoesNotExist)`);
    } else if ((expr.operator === 'In' || expr.operator === 'NotIn') && values.length === 0) {
      problems.push(`${at}.values: must be non-empty for operator ${expr.operator}`);
    } else if ((expr.operator === 'Exists' || expr.operator === 'DoesNotExist') && values.length > 0) {
      problems.push(`${at}.values: must be empty for operator ${expr.operator}`);
    }
  });
  return problems;
}

/**
 * True when `labels` satisfy every matchLabels pair AND every matchExpression.
 * Throws on a selector the API server would reject (unknown operator, In/NotIn
 * without values): enforcing a guess would teach the wrong thing.
 */
export function matchesLabelSelector(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const problems = labelSelectorProblems(selector, 'selector');
  if (problems.length > 0) throw new Error(`invalid label selector: ${problems.join('; ')}`);
  const have = labels ?? {};
  const has = (key: string) => Object.hasOwn(have, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || have[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    const ok = (() => {
      switch (expr.operator) {
        case 'In':
          return has(expr.key) && values.includes(have[expr.key]!);
        case 'NotIn':
          // A pod without the key is "not in" the set (labels.Selector semantics).
          return !has(expr.key) || !values.includes(have[expr.key]!);
        case 'Exists':
          return has(expr.key);
        default: // DoesNotExist; other operators were rejected above.
          return !has(expr.key);
      }
    })();
    if (!ok) return false;
  }
  return true;
}
