// Protobuf bodies as the real kubectl 1.32 sends them (captured into fixtures/ from
// `kubectl create …` and `kubectl debug node/…` against the lab's API server) read into
// exactly the JSON kubectl itself writes for the same command (`--dry-run=client -o json`).
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, ProtobufBodyError } from '../../../src/k8s/protobuf/envelope.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
const MAGIC = Buffer.from('k8s\0', 'latin1');

/** A body as kubectl frames it: magic, then runtime.Unknown{typeMeta, raw, contentEncoding, contentType}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Buffer {
  const typeMeta = protobuf.Writer.create().uint32(10).string(apiVersion).uint32(18).string(kind).finish();
  const unknown = protobuf.Writer.create().uint32(10).bytes(typeMeta).uint32(18).bytes(raw).uint32(26).string(contentEncoding).uint32(34).string('').finish();
  return Buffer.concat([MAGIC, unknown]);
}

describe('kubectl create … bodies read as kubectl would have written them in JSON', () => {
  for (const kind of ['namespace', 'configmap', 'deployment', 'service']) {
    it(`kubectl create ${kind}`, () => {
      const decoded = decodeKubeProtobuf(fixture(`kubectl-create-${kind}.bin`));
      expect(decoded).toEqual(JSON.parse(fixture(`kubectl-create-${kind}.json`).toString()));
    });
  }

  it('kubectl debug node/worker --profile=sysadmin: a privileged host pod on the node, the host mounted at /host', () => {
    const pod = decodeKubeProtobuf(fixture('kubectl-debug-node.bin')) as { kind: string; spec: Record<string, unknown> };
    expect(pod.kind).toBe('Pod');
    expect(pod.spec).toMatchObject({
      nodeName: 'worker',
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      restartPolicy: 'Never',
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
      containers: [{ name: 'debugger', image: 'busybox', securityContext: { privileged: true }, volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }],
    });
  });
});

describe('bodies kubectl did not write this way', () => {
  const name = protobuf.Writer.create().uint32(10).string('demo').finish();
  const metadata = (extra: (w: protobuf.Writer) => protobuf.Writer) => extra(protobuf.Writer.create().uint32(10).string('demo')).finish();

  it('skips fields the lab has no table row for, at every depth', () => {
    // ObjectMeta field 99 (varint) and Namespace field 42 (a nested message) are not upstream fields.
    const meta = metadata((w) => w.uint32((99 << 3) | 0).uint64(7));
    const raw = protobuf.Writer.create()
      .uint32(10)
      .bytes(meta)
      .uint32((42 << 3) | 2)
      .bytes(name)
      .finish();
    expect(decodeKubeProtobuf(envelope('v1', 'Namespace', raw))).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  });

  it('keeps a label named __proto__ as a label', () => {
    const entry = protobuf.Writer.create().uint32(10).string('__proto__').uint32(18).string('x').finish();
    const raw = protobuf.Writer.create()
      .uint32(10)
      .bytes(metadata((w) => w.uint32(90).bytes(entry)))
      .finish();
    const decoded = decodeKubeProtobuf(envelope('v1', 'Namespace', raw)) as { metadata: { labels: object } };
    expect(Object.entries(decoded.metadata.labels)).toEqual([['__proto__', 'x']]);
    expect(Object.getPrototypeOf(decoded.metadata.labels)).toBe(Object.prototype);
  });

  it('keeps a Deployment scaled to zero on purpose (a pointer field), and drops omitempty zeros', () => {
    const spec = protobuf.Writer.create().uint32(8).int32(0).uint32(40).int32(0).finish();
    const raw = protobuf.Writer.create()
      .uint32(10)
      .bytes(metadata((w) => w))
      .uint32(18)
      .bytes(spec)
      .finish();
    expect(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw))).toMatchObject({ spec: { replicas: 0 } });
    expect((decodeKubeProtobuf(envelope('apps/v1', 'Deployment', raw)) as { spec: object }).spec).not.toHaveProperty('minReadySeconds');
  });

  it('writes a set timestamp as RFC 3339 and a named target port as its name', () => {
    const time = protobuf.Writer.create().uint32(8).int64(1_700_000_000).uint32(16).int32(0).finish();
    const meta = protobuf.Writer.create().uint32(10).string('web').uint32(66).bytes(time).finish();
    const targetPort = protobuf.Writer.create().uint32(8).int64(1).uint32(16).int32(0).uint32(26).string('http').finish();
    const port = protobuf.Writer.create().uint32(24).int32(80).uint32(34).bytes(targetPort).finish();
    const spec = protobuf.Writer.create().uint32(10).bytes(port).finish();
    const raw = protobuf.Writer.create().uint32(10).bytes(meta).uint32(18).bytes(spec).finish();
    expect(decodeKubeProtobuf(envelope('v1', 'Service', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', creationTimestamp: '2023-11-14T22:13:20Z' },
      spec: { ports: [{ port: 80, targetPort: 'http' }] },
    });
  });

  it('says which part is malformed when a body is cut short, never failing any other way', () => {
    const body = fixture('kubectl-create-deployment.bin');
    for (let length = 0; length < body.length; length++) {
      try {
        decodeKubeProtobuf(body.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(ProtobufBodyError);
      }
    }
    expect(() => decodeKubeProtobuf(body.subarray(0, 100))).toThrow(/^the protobuf body is malformed in its runtime.Unknown envelope: /);
  });

  it('refuses a body without the magic, a compressed body, and a kind it has no table for (that one as unsupported)', () => {
    expect(() => decodeKubeProtobuf(Buffer.from('{"kind":"Namespace"}'))).toThrow('the protobuf body does not start with the Kubernetes magic "k8s\\0"');
    expect(() => decodeKubeProtobuf(envelope('v1', 'Namespace', new Uint8Array(), 'gzip'))).toThrow('content encoding "gzip" is not supported');
    const secret = () => decodeKubeProtobuf(envelope('v1', 'Secret', new Uint8Array()));
    expect(secret).toThrow("the lab's API server reads Secret (v1) as JSON or YAML, not protobuf");
    expect(() => secret()).toSatisfy((read: () => unknown) => {
      try {
        read();
        return false;
      } catch (error) {
        return (error as ProtobufBodyError).unsupportedKind;
      }
    });
  });
});
