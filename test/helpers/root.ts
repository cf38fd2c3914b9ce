// Lab tests create network namespaces and need root; elsewhere they are skipped with a reason.
export const isRoot = process.getuid?.() === 0;
export const ROOT_ONLY = isRoot ? '' : ' (skipped: needs root to create network namespaces)';
