// What kube-apiserver refuses of an object the lab is asked to store, kind by kind,
// as field errors with its paths and messages: the lab's admission step (and so
// kubectl, client-node and `netbreak apply` alike) answers Invalid with them.
import { isClusterScoped } from '../kinds.js';
import type { KubeObject } from '../objects.js';
import type { FieldError } from './field-error.js';
import { dns1035Label, dns1123Label, dns1123Subdomain } from './identifiers.js';
import { type NameCheck, validateObjectMeta } from './meta.js';
import { validateNetworkPolicySpec } from './network-policy.js';
import { validateServiceSpec } from './service.js';
import { validatePodSpec, validateWorkloadSpec } from './workloads.js';

/** How upstream checks each kind's name: Services and Namespaces are DNS labels, the rest subdomains. */
const NAME_CHECKS: Record<string, NameCheck> = { Service: dns1035Label, Namespace: dns1123Label };

type Json = Record<string, unknown>;

/** Every field error of the object; empty when kube-apiserver would store it. */
export function validateObject(obj: KubeObject): FieldError[] {
  const errors = validateObjectMeta(obj.metadata, !isClusterScoped(obj.kind), NAME_CHECKS[obj.kind] ?? dns1123Subdomain);
  const spec = obj.spec as Json | undefined;
  switch (obj.kind) {
    case 'NetworkPolicy':
      return [...errors, ...validateNetworkPolicySpec(spec)];
    case 'Service':
      return [...errors, ...validateServiceSpec(spec)];
    case 'Pod':
      return [...errors, ...validatePodSpec(spec, 'spec')];
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return [...errors, ...validateWorkloadSpec(obj.kind, spec)];
    default:
      return errors;
  }
}
