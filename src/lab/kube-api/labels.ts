// The labels by which netbreak knows what it made on a cluster: on the
// cluster's objects and (kind) nodes, and on the containers it runs beside them.

/** On every object netbreak applies, and on its capture containers: which lab they belong to. */
export const LAB_LABEL = 'netbreak.dev/lab';

/** Set on every node by clusters/kind-default.yaml, and on netbreak's capture containers: how netbreak knows they are its own. */
export const CREATED_BY_LABEL = 'netbreak.dev/created-by';

/** Every object netbreak applies carries these, so reset and `clean` can find what a lab made. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'netbreak' } as const;
