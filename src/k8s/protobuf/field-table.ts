// How a generated.proto message maps to its JSON form: one row per field the lab reads.
// Field numbers are upstream's (k8s.io/api and k8s.io/apimachinery generated.proto).

/** Scalar wire types as the Kubernetes protos use them. */
export type Scalar = 'string' | 'bool' | 'int32' | 'int64' | 'bytes';

/** A nested message: its table, or a special JSON form (Time as RFC 3339, IntOrString, Quantity as its string). */
export type Nested = MessageTable | 'Time' | 'IntOrString' | 'Quantity';

export interface Field {
  /** The JSON name; fields of an `inline` message land in the parent (Go's embedded structs). */
  name: string;
  type: Scalar | Nested;
  repeated?: true;
  /** map<string, type>: protobuf writes each entry as a message {1: key, 2: value}. */
  map?: true;
  /** Go pointer or a field without omitempty: its zero value is sent on purpose and kept. */
  keep?: true;
  inline?: true;
}

export type MessageTable = Record<number, Field>;

const kinds = new Set(['string', 'bool', 'int32', 'int64', 'bytes']);

export function isScalar(type: Field['type']): type is Scalar {
  return typeof type === 'string' && kinds.has(type);
}

// Short builders keep the tables one line per field.
export const str = (name: string, extra: Partial<Field> = {}): Field => ({ name, type: 'string', ...extra });
export const bool = (name: string, extra: Partial<Field> = {}): Field => ({ name, type: 'bool', ...extra });
export const int32 = (name: string, extra: Partial<Field> = {}): Field => ({ name, type: 'int32', ...extra });
export const int64 = (name: string, extra: Partial<Field> = {}): Field => ({ name, type: 'int64', ...extra });
export const msg = (name: string, type: Nested, extra: Partial<Field> = {}): Field => ({ name, type, ...extra });
export const strings = (name: string): Field => ({ name, type: 'string', repeated: true });
export const list = (name: string, type: Nested): Field => ({ name, type, repeated: true });
export const stringMap = (name: string): Field => ({ name, type: 'string', map: true });
