// core/v1 messages kubectl's generators send (k8s.io/api/core/v1/generated.proto): Namespace,
// ConfigMap, Service, and Pod with what `kubectl debug node/…` puts in it.
import { bool, int32, int64, list, type MessageTable, msg, str, stringMap, strings } from './field-table.js';
import { objectMeta } from './meta-messages.js';

const keyValue = (valueName: string): MessageTable => ({ 1: str('name'), 2: str(valueName) });

export const namespace: MessageTable = {
  1: msg('metadata', objectMeta),
  2: msg('spec', { 1: strings('finalizers') }),
  3: msg('status', { 1: str('phase') }),
};

export const configMap: MessageTable = {
  1: msg('metadata', objectMeta),
  2: stringMap('data'),
  3: { name: 'binaryData', type: 'bytes', map: true },
  4: bool('immutable', { keep: true }),
};

const containerPort: MessageTable = { 1: str('name'), 2: int32('hostPort'), 3: int32('containerPort', { keep: true }), 4: str('protocol'), 5: str('hostIP') };

const keySelector: MessageTable = { 1: msg('', { 1: str('name') }, { inline: true }), 2: str('key'), 3: bool('optional', { keep: true }) };

const envVar: MessageTable = {
  1: str('name', { keep: true }),
  2: str('value'),
  3: msg('valueFrom', {
    1: msg('fieldRef', { 1: str('apiVersion'), 2: str('fieldPath') }),
    3: msg('configMapKeyRef', keySelector),
    4: msg('secretKeyRef', keySelector),
  }),
};

const envFromSource: MessageTable = {
  1: str('prefix'),
  2: msg('configMapRef', { 1: msg('', { 1: str('name') }, { inline: true }), 2: bool('optional', { keep: true }) }),
  3: msg('secretRef', { 1: msg('', { 1: str('name') }, { inline: true }), 2: bool('optional', { keep: true }) }),
};

const volumeMount: MessageTable = {
  1: str('name', { keep: true }),
  2: bool('readOnly'),
  3: str('mountPath', { keep: true }),
  4: str('subPath'),
  5: str('mountPropagation', { keep: true }),
  6: str('subPathExpr'),
  7: str('recursiveReadOnly', { keep: true }),
};

const resourceRequirements: MessageTable = {
  1: msg('limits', 'Quantity', { map: true }),
  2: msg('requests', 'Quantity', { map: true }),
};

const securityContext: MessageTable = {
  1: msg('capabilities', { 1: strings('add'), 2: strings('drop') }),
  2: bool('privileged', { keep: true }),
  4: int64('runAsUser', { keep: true }),
  5: bool('runAsNonRoot', { keep: true }),
  6: bool('readOnlyRootFilesystem', { keep: true }),
  7: bool('allowPrivilegeEscalation', { keep: true }),
  8: int64('runAsGroup', { keep: true }),
  9: str('procMount', { keep: true }),
};

const probe: MessageTable = {
  1: msg(
    '',
    {
      1: msg('exec', { 1: strings('command') }),
      2: msg('httpGet', { 1: str('path'), 2: msg('port', 'IntOrString'), 3: str('host'), 4: str('scheme'), 5: list('httpHeaders', keyValue('value')) }),
      3: msg('tcpSocket', { 1: msg('port', 'IntOrString'), 2: str('host') }),
      4: msg('grpc', { 1: int32('port', { keep: true }), 2: str('service', { keep: true }) }),
    },
    { inline: true },
  ),
  2: int32('initialDelaySeconds'),
  3: int32('timeoutSeconds'),
  4: int32('periodSeconds'),
  5: int32('successThreshold'),
  6: int32('failureThreshold'),
  7: int64('terminationGracePeriodSeconds', { keep: true }),
};

/** Container and EphemeralContainerCommon share these numbers. */
const containerFields: MessageTable = {
  1: str('name', { keep: true }),
  2: str('image'),
  3: strings('command'),
  4: strings('args'),
  5: str('workingDir'),
  6: list('ports', containerPort),
  7: list('env', envVar),
  8: msg('resources', resourceRequirements),
  9: list('volumeMounts', volumeMount),
  10: msg('livenessProbe', probe),
  11: msg('readinessProbe', probe),
  13: str('terminationMessagePath'),
  14: str('imagePullPolicy'),
  15: msg('securityContext', securityContext),
  16: bool('stdin'),
  17: bool('stdinOnce'),
  18: bool('tty'),
  19: list('envFrom', envFromSource),
  20: str('terminationMessagePolicy'),
  22: msg('startupProbe', probe),
  24: str('restartPolicy', { keep: true }),
};

const ephemeralContainer: MessageTable = { 1: msg('', containerFields, { inline: true }), 2: str('targetContainerName') };

const volume: MessageTable = {
  1: str('name', { keep: true }),
  2: msg(
    '',
    {
      1: msg('hostPath', { 1: str('path', { keep: true }), 2: str('type', { keep: true }) }),
      2: msg('emptyDir', { 1: str('medium'), 2: msg('sizeLimit', 'Quantity') }),
      10: msg('persistentVolumeClaim', { 1: str('claimName', { keep: true }), 2: bool('readOnly') }),
      19: msg('configMap', {
        1: msg('', { 1: str('name') }, { inline: true }),
        2: list('items', { 1: str('key', { keep: true }), 2: str('path', { keep: true }), 3: int32('mode', { keep: true }) }),
        3: int32('defaultMode', { keep: true }),
        4: bool('optional', { keep: true }),
      }),
    },
    { inline: true },
  ),
};

const toleration: MessageTable = { 1: str('key'), 2: str('operator'), 3: str('value'), 4: str('effect'), 5: int64('tolerationSeconds', { keep: true }) };

export const podSpec: MessageTable = {
  1: list('volumes', volume),
  2: list('containers', containerFields),
  3: str('restartPolicy'),
  4: int64('terminationGracePeriodSeconds', { keep: true }),
  5: int64('activeDeadlineSeconds', { keep: true }),
  6: str('dnsPolicy'),
  7: stringMap('nodeSelector'),
  8: str('serviceAccountName'),
  9: str('serviceAccount'),
  10: str('nodeName'),
  11: bool('hostNetwork'),
  12: bool('hostPID'),
  13: bool('hostIPC'),
  14: msg('securityContext', { 2: int64('runAsUser', { keep: true }), 3: bool('runAsNonRoot', { keep: true }), 6: int64('runAsGroup', { keep: true }) }),
  16: str('hostname'),
  17: str('subdomain'),
  19: str('schedulerName'),
  20: list('initContainers', containerFields),
  21: bool('automountServiceAccountToken', { keep: true }),
  22: list('tolerations', toleration),
  24: str('priorityClassName'),
  25: int32('priority', { keep: true }),
  27: bool('shareProcessNamespace', { keep: true }),
  30: bool('enableServiceLinks', { keep: true }),
  34: list('ephemeralContainers', ephemeralContainer),
};

export const podTemplateSpec: MessageTable = { 1: msg('metadata', objectMeta), 2: msg('spec', podSpec) };

export const pod: MessageTable = {
  1: msg('metadata', objectMeta),
  2: msg('spec', podSpec),
  3: msg('status', { 1: str('phase'), 5: str('hostIP'), 6: str('podIP') }),
};

const servicePort: MessageTable = {
  1: str('name'),
  2: str('protocol'),
  3: int32('port', { keep: true }),
  4: msg('targetPort', 'IntOrString'),
  5: int32('nodePort'),
  6: str('appProtocol', { keep: true }),
};

export const service: MessageTable = {
  1: msg('metadata', objectMeta),
  2: msg('spec', {
    1: list('ports', servicePort),
    2: stringMap('selector'),
    3: str('clusterIP'),
    4: str('type'),
    5: strings('externalIPs'),
    7: str('sessionAffinity'),
    10: str('externalName'),
    11: str('externalTrafficPolicy'),
    13: bool('publishNotReadyAddresses'),
    17: strings('ipFamilies'),
    18: strings('clusterIPs'),
    19: str('ipFamilyPolicy', { keep: true }),
    22: str('internalTrafficPolicy', { keep: true }),
  }),
  3: msg('status', { 1: msg('loadBalancer', { 1: list('ingress', { 1: str('ip'), 2: str('hostname') }) }) }),
};
