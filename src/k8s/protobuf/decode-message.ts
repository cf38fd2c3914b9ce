// One protobuf message into the JSON Kubernetes would write for it, led by a field table.
// Unknown fields are skipped; zero scalars of omitempty fields are dropped as Go's JSON does
// (gogo-protobuf writes every non-pointer field, Go's JSON leaves the empty ones out).
import protobuf from 'protobufjs/minimal.js';
import { type Field, isScalar, type MessageTable, type Nested, type Scalar } from './field-table.js';

type Json = Record<string, unknown>;
const { Reader } = protobuf;
type ProtoReader = InstanceType<typeof Reader>;

const WIRE_LENGTH_DELIMITED = 2;

/** The message in `bytes` as JSON; throws on a malformed body (the caller turns that into a 400). */
export function decodeMessage(bytes: Uint8Array, table: MessageTable): Json {
  return readMessage(Reader.create(bytes), bytes.length, table);
}

function readMessage(reader: ProtoReader, length: number, table: MessageTable): Json {
  const out: Json = {};
  const end = reader.pos + length;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    const field = table[number];
    if (!field || (wireType === WIRE_LENGTH_DELIMITED) !== isLengthDelimited(field)) {
      reader.skipType(wireType);
      continue;
    }
    readField(reader, field, out);
  }
  if (reader.pos !== end) throw new Error('a field runs past the end of its message');
  return out;
}

function isLengthDelimited(field: Field): boolean {
  return field.map === true || !isScalar(field.type) || field.type === 'string' || field.type === 'bytes';
}

function readField(reader: ProtoReader, field: Field, out: Json): void {
  if (field.map) {
    const [key, value] = readMapEntry(reader, field.type);
    const map = (out[field.name] ??= {}) as Json;
    // A key is the sender's text: defined, not assigned, so "__proto__" stays a plain key.
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  const value = isScalar(field.type) ? readScalar(reader, field.type) : readNested(reader, field.type);
  if (field.inline) {
    Object.assign(out, value);
  } else if (field.repeated) {
    ((out[field.name] ??= []) as unknown[]).push(value);
  } else if (field.keep || !isScalar(field.type) || !isZero(value)) {
    out[field.name] = value;
  } else {
    delete out[field.name];
  }
}

function readMapEntry(reader: ProtoReader, type: Field['type']): [string, unknown] {
  const end = reader.uint32() + reader.pos;
  let key = '';
  let value: unknown = isScalar(type) ? readDefault(type) : '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LENGTH_DELIMITED) key = reader.string();
    else if (tag >>> 3 === 2) value = isScalar(type) ? readScalar(reader, type) : readNested(reader, type);
    else reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new Error('a map entry runs past its end');
  return [key, value];
}

function readDefault(type: Scalar): unknown {
  return type === 'string' || type === 'bytes' ? '' : type === 'bool' ? false : 0;
}

function readScalar(reader: ProtoReader, type: Scalar): unknown {
  switch (type) {
    case 'string':
      return reader.string();
    case 'bool':
      return reader.bool();
    case 'int32':
      return reader.int32();
    case 'int64':
      return toNumber(reader.int64() as unknown as number | { toNumber(): number });
    case 'bytes':
      // JSON carries []byte as base64, as kubectl's own JSON would.
      return Buffer.from(reader.bytes()).toString('base64');
  }
}

function toNumber(value: number | { toNumber(): number }): number {
  return typeof value === 'number' ? value : value.toNumber();
}

function readNested(reader: ProtoReader, type: Nested): unknown {
  const length = reader.uint32();
  if (typeof type === 'object') return readMessage(reader, length, type);
  const fields = readMessage(reader, length, SPECIAL[type]);
  if (type === 'Quantity') return fields.string ?? '0';
  if (type === 'IntOrString') return fields.type === 1 ? (fields.strVal ?? '') : (fields.intVal ?? 0);
  return timeOf(fields);
}

/** metav1.Time: zero is null in JSON, anything else RFC 3339 to the second. */
function timeOf(fields: Json): string | null {
  const seconds = Number(fields.seconds ?? 0);
  if (seconds === 0 && !fields.nanos) return null;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

const SPECIAL: Record<Exclude<Nested, MessageTable>, MessageTable> = {
  Time: { 1: { name: 'seconds', type: 'int64' }, 2: { name: 'nanos', type: 'int32' } },
  Quantity: { 1: { name: 'string', type: 'string' } },
  IntOrString: { 1: { name: 'type', type: 'int64' }, 2: { name: 'intVal', type: 'int32', keep: true }, 3: { name: 'strVal', type: 'string' } },
};

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false || value === null;
}
