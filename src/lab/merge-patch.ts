// JSON merge patch (RFC 7386), what `kubectl patch --type merge` sends.
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const result: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The merge patch that undoes `patch` on the object it was applied to
 * (`before`): every key the patch set gets its earlier value back, or null
 * (removed) when it had none. Undoing with a patch, not by re-applying
 * `before`, changes only what the patch changed, and on a real cluster it
 * also removes what the patch added, which server-side apply of `before`
 * would leave behind (the patch's fields belong to another field manager).
 */
export function inverseMergePatch(patch: Record<string, unknown>, before: unknown): Record<string, unknown> {
  const source = isObject(before) ? before : {};
  const inverse: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const old = source[key];
    inverse[key] = isObject(value) && isObject(old) ? inverseMergePatch(value, old) : old === undefined ? null : structuredClone(old);
  }
  return inverse;
}
