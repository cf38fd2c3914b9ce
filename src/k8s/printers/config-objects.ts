// `kubectl get namespaces, configmaps, networkpolicies`: the kinds whose row is little more than a name and an age.
import { timestampSince } from './human-duration.js';
import { formatLabelSelector, type LabelSelector } from './label-selector.js';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer } from './table.js';

export const namespacePrinter: Printer = {
  kind: 'Namespace',
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  cells(obj, nowMs) {
    const phase = (obj.status as { phase?: string } | undefined)?.phase ?? '';
    return [obj.metadata.name, phase, timestampSince(obj.metadata.creationTimestamp, nowMs)];
  },
};

export const configMapPrinter: Printer = {
  kind: 'ConfigMap',
  columns: [NAME_COLUMN, column('Data', 'Data contains the configuration data.', { type: 'integer' }), AGE_COLUMN],
  cells(obj, nowMs) {
    const keys = Object.keys((obj.data as object | undefined) ?? {}).length + Object.keys((obj.binaryData as object | undefined) ?? {}).length;
    return [obj.metadata.name, keys, timestampSince(obj.metadata.creationTimestamp, nowMs)];
  },
};

export const networkPolicyPrinter: Printer = {
  kind: 'NetworkPolicy',
  columns: [NAME_COLUMN, column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), AGE_COLUMN],
  cells(obj, nowMs) {
    const spec = obj.spec as { podSelector?: LabelSelector } | undefined;
    return [obj.metadata.name, formatLabelSelector(spec?.podSelector), timestampSince(obj.metadata.creationTimestamp, nowMs)];
  },
};
