// Kubernetes' protobuf body: the 4-byte magic "k8s\0", then a runtime.Unknown
// {typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose raw is the
// object's own message (k8s.io/apimachinery/pkg/runtime/generated.proto).
import { decodeMessage } from './decode-message.js';
import type { MessageTable } from './field-table.js';
import { PROTOBUF_KINDS } from './kinds.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const unknown: MessageTable = {
  1: { name: 'typeMeta', type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } },
  2: { name: 'raw', type: 'bytes' },
  3: { name: 'contentEncoding', type: 'string' },
  4: { name: 'contentType', type: 'string' },
};

/** Why a body cannot be read, in a sentence for the Status message. */
export class ProtobufBodyError extends Error {
  /** The body is well formed but of a kind the lab has no field table for. */
  constructor(
    message: string,
    readonly unsupportedKind = false,
  ) {
    super(message);
  }
}

/** The object in a protobuf request body, as the JSON kubectl would have sent for it. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufBodyError('the protobuf body does not start with the Kubernetes magic "k8s\\0"');
  }
  const envelope = readOrExplain(() => decodeMessage(body.subarray(MAGIC.length), unknown), 'its runtime.Unknown envelope');
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (envelope.contentEncoding) throw new ProtobufBodyError(`the protobuf body's content encoding "${envelope.contentEncoding}" is not supported`);
  const table = PROTOBUF_KINDS[`${apiVersion}/${kind}`];
  if (!table) {
    throw new ProtobufBodyError(`the lab's API server reads ${kind || 'this kind'} (${apiVersion || 'no apiVersion'}) as JSON or YAML, not protobuf`, true);
  }
  const raw = Buffer.from(String(envelope.raw ?? ''), 'base64');
  const object = readOrExplain(() => decodeMessage(raw, table), `its ${kind}`);
  return { apiVersion, kind, ...object };
}

function readOrExplain<T>(read: () => T, part: string): T {
  try {
    return read();
  } catch (error) {
    throw new ProtobufBodyError(`the protobuf body is malformed in ${part}: ${(error as Error).message}`);
  }
}
