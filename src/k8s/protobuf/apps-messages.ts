// apps/v1 Deployment as `kubectl create deployment` sends it (k8s.io/api/apps/v1/generated.proto).
import { bool, int32, int64, type MessageTable, msg, str } from './field-table.js';
import { podTemplateSpec } from './core-messages.js';
import { labelSelector, objectMeta } from './meta-messages.js';

const deploymentStrategy: MessageTable = {
  1: str('type'),
  2: msg('rollingUpdate', { 1: msg('maxUnavailable', 'IntOrString'), 2: msg('maxSurge', 'IntOrString') }),
};

export const deployment: MessageTable = {
  1: msg('metadata', objectMeta),
  2: msg('spec', {
    1: int32('replicas', { keep: true }),
    2: msg('selector', labelSelector),
    3: msg('template', podTemplateSpec),
    4: msg('strategy', deploymentStrategy),
    5: int32('minReadySeconds'),
    6: int32('revisionHistoryLimit', { keep: true }),
    7: bool('paused'),
    9: int32('progressDeadlineSeconds', { keep: true }),
  }),
  3: msg('status', {
    1: int64('observedGeneration'),
    2: int32('replicas'),
    3: int32('updatedReplicas'),
    4: int32('availableReplicas'),
    5: int32('unavailableReplicas'),
    7: int32('readyReplicas'),
  }),
};
