// The supervisor's admission refuses objects with a sentence (admission.ts); the API
// answers those as kube-apiserver would: NotFound for a missing namespace, Invalid
// with a field cause for "Kind "name" is invalid: field: message".
import { ApiError, invalid, notFound } from '../../../k8s/api-status.js';
import type { ApiResource } from '../../../k8s/api-resources.js';
import { errorBody } from '../../../k8s/validation/field-error.js';
import { AdmissionError, InvalidObjectError } from '../admission.js';

export function admissionToStatus(error: unknown, resource: ApiResource, name: string): unknown {
  if (error instanceof InvalidObjectError) {
    const causes = error.errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
    return new ApiError(422, 'Invalid', error.message, { name: error.name, ...(error.group ? { group: error.group } : {}), kind: error.kind, causes });
  }
  if (!(error instanceof AdmissionError)) return error;
  const missingNamespace = /^namespaces "([^"]+)" not found/.exec(error.message);
  if (missingNamespace) return notFound({ group: '', plural: 'namespaces' }, missingNamespace[1]!);
  const refusal = /^(\w+) "([^"]*)" is invalid: (.*)$/.exec(error.message);
  if (refusal) {
    const detail = refusal[3]!;
    const field = /^([\w.[\]-]+): (.*)$/.exec(detail);
    const cause = field ? { reason: causeReason(field[2]!), field: field[1]!, message: field[2]! } : { reason: 'FieldValueInvalid', message: detail };
    return invalid(refusal[1]!, resource.group, refusal[2]!, [cause]);
  }
  return new ApiError(422, 'Invalid', `${resource.kind} "${name}" is invalid: ${error.message}`, { name, kind: resource.kind });
}

/** kube-apiserver's cause reasons (field.ErrorType), read off the message's opening words. */
function causeReason(message: string): string {
  if (message.startsWith('Required value')) return 'FieldValueRequired';
  if (message.startsWith('Unsupported value')) return 'FieldValueNotSupported';
  if (message.startsWith('Duplicate value')) return 'FieldValueDuplicate';
  if (message.startsWith('Forbidden')) return 'FieldValueForbidden';
  if (message.startsWith('Too long')) return 'FieldValueTooLong';
  return 'FieldValueInvalid';
}
