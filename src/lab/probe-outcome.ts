// What a probe from one pod to a URL can end in: the words the Lab contract
// reports and scenario files expect. dns-error: the resolver got SERVFAIL,
// REFUSED or a name without an address.
export const PROBE_OUTCOMES = ['success', 'refused', 'timeout', 'nxdomain', 'dns-timeout', 'dns-error', 'unreachable', 'wrong-backend'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];
