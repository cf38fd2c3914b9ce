// meta/v1 messages the lab's kinds embed (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto).
import { bool, int64, list, type MessageTable, msg, str, stringMap, strings } from './field-table.js';

export const ownerReference: MessageTable = {
  1: str('kind'),
  3: str('name'),
  4: str('uid'),
  5: str('apiVersion'),
  6: bool('controller', { keep: true }),
  7: bool('blockOwnerDeletion', { keep: true }),
};

export const objectMeta: MessageTable = {
  1: str('name'),
  2: str('generateName'),
  3: str('namespace'),
  5: str('uid'),
  6: str('resourceVersion'),
  7: int64('generation'),
  8: msg('creationTimestamp', 'Time', { keep: true }),
  9: msg('deletionTimestamp', 'Time'),
  10: int64('deletionGracePeriodSeconds', { keep: true }),
  11: stringMap('labels'),
  12: stringMap('annotations'),
  13: list('ownerReferences', ownerReference),
  14: strings('finalizers'),
};

export const labelSelectorRequirement: MessageTable = { 1: str('key'), 2: str('operator'), 3: strings('values') };

export const labelSelector: MessageTable = { 1: stringMap('matchLabels'), 2: list('matchExpressions', labelSelectorRequirement) };
