// kube-apiserver's field errors (k8s.io/apimachinery/pkg/util/validation/field): a
// type, the field path, the bad value and a detail, printed as upstream prints them so
// a learner reads the message a cluster would give (`spec.ingress[0].ports[0].port:
// Invalid value: 70000: must be between 1 and 65535, inclusive`).

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** Printed after the type; absent for the types upstream prints without a value. */
  badValue?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
};

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalid = (field: string, badValue: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, badValue, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const duplicate = (field: string, badValue: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, badValue });
export const notSupported = (field: string, badValue: unknown, supported: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  badValue,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});

/** A value upstream prints with Go's %#v, written out by the caller (`core.ServicePort{...}`). */
export class GoLiteral {
  constructor(readonly text: string) {}
}

/** A value as Go's %v / %q / %#v print it in these messages. */
function goValue(value: unknown): string {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
    return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** The message without the field: `Invalid value: 70000: must be between 1 and 65535, inclusive` (a Status cause's message). */
export function errorBody(error: FieldError): string {
  const type = TYPE_TEXT[error.type];
  const valueShown = !['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong'].includes(error.type);
  const head = valueShown ? `${type}: ${goValue(error.badValue)}` : type;
  return error.detail ? `${head}: ${error.detail}` : head;
}

/** `field: body`, as one error prints. */
export function errorText(error: FieldError): string {
  return `${error.field}: ${errorBody(error)}`;
}

/**
 * kube-apiserver's Invalid message: `NetworkPolicy.networking.k8s.io "x" is invalid: <errors>`
 * (one error as is, several in brackets, comma-separated).
 */
export function invalidMessage(kind: string, group: string, name: string, errors: FieldError[]): string {
  const texts = errors.map(errorText);
  const all = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${all}`;
}
