// The access and identity reviews `kubectl auth can-i` and `kubectl auth whoami` send
// (k8s.io/api/authorization/v1 and authentication/v1 generated.proto): only what they ask.
import { type MessageTable, msg, str } from './field-table.js';
import { objectMeta } from './meta-messages.js';

const resourceAttributes: MessageTable = {
  1: str('namespace'),
  2: str('verb'),
  3: str('group'),
  4: str('version'),
  5: str('resource'),
  6: str('subresource'),
  7: str('name'),
};

export const selfSubjectAccessReview: MessageTable = {
  1: msg('metadata', objectMeta),
  2: msg('spec', { 1: msg('resourceAttributes', resourceAttributes), 2: msg('nonResourceAttributes', { 1: str('path'), 2: str('verb') }) }),
};

export const selfSubjectRulesReview: MessageTable = { 1: msg('metadata', objectMeta), 2: msg('spec', { 1: str('namespace') }) };

export const selfSubjectReview: MessageTable = { 1: msg('metadata', objectMeta) };
