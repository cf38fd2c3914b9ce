// The kinds whose protobuf bodies the lab reads (what kubectl's generators send), by "apiVersion/kind".
import { deployment } from './apps-messages.js';
import { configMap, namespace, pod, service } from './core-messages.js';
import type { MessageTable } from './field-table.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview } from './review-messages.js';

export const PROTOBUF_KINDS: Record<string, MessageTable> = {
  'v1/Namespace': namespace,
  'v1/ConfigMap': configMap,
  'v1/Pod': pod,
  'v1/Service': service,
  'apps/v1/Deployment': deployment,
  'authorization.k8s.io/v1/SelfSubjectAccessReview': selfSubjectAccessReview,
  'authorization.k8s.io/v1/SelfSubjectRulesReview': selfSubjectRulesReview,
  'authentication.k8s.io/v1/SelfSubjectReview': selfSubjectReview,
};
