// kubectl's typed commands send their objects as Kubernetes protobuf; the lab's API server
// reads them into the JSON kubectl would have sent, so the store holds the same object either
// way. Each command runs twice: as itself (protobuf) in namespace `proto`, and as
// `--dry-run=client -o json | kubectl create -f -` (JSON) in namespace `json`. The lab here is
// its store and admission alone (memory-lab.ts), so no namespace is made on the host.
import fs from 'node:fs';
import https from 'node:https';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/k8s/objects.js';
import type { ApiCredentials } from '../../../../src/lab/netns/api-server/credentials.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { gate } from '../../../helpers/lab-gate.js';
import { type KubectlRun, type MemoryApi, runKubectl, startMemoryApi, trimmed } from './memory-api.js';

const kubectlGate = gate(fs.existsSync('/usr/bin/kubectl') ? undefined : 'kubectl is not installed (install kubectl 1.32 to run this test)');

let lab: LabControl;
let credentials: ApiCredentials;
let port: number;
let kubeconfig: string;

let api: MemoryApi;

beforeAll(async () => {
  api = await startMemoryApi('nb-api-protobuf-');
  ({ lab, credentials, port, kubeconfig } = api);
  lab.apply(['proto', 'json'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
});

afterAll(() => api.close());

function kubectl(args: string[], input?: string): Promise<KubectlRun> {
  return runKubectl(kubeconfig, args, input).then(trimmed);
}

/** The command as kubectl sends it (protobuf) in `proto`, and its client-side JSON created in `json`. */
async function bothWays([verb, ...rest]: string[]): Promise<void> {
  // Flags go before the rest: after `--` (kubectl run … -- sleep 3600) they would be the container's args.
  const typed = await kubectl([verb!, '-n', 'proto', ...rest]);
  expect(typed.stderr).toBe('');
  expect(typed.code).toBe(0);
  const json = await kubectl([verb!, '-n', 'json', '--dry-run=client', '-o', 'json', ...rest]);
  const created = await kubectl(['create', '-f', '-'], json.stdout);
  expect(created.code, created.stderr).toBe(0);
}

/** A stored object without what the store stamps on each write, and without the Service addresses it allocates. */
function stored(kind: string, namespace: string | undefined, name: string): KubeObject {
  const obj = structuredClone(lab.store.get({ kind, namespace, name }));
  expect(obj, `${kind} ${namespace}/${name} is stored`).toBeDefined();
  for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'namespace', 'generation']) {
    delete (obj!.metadata as unknown as Record<string, unknown>)[key];
  }
  if (kind === 'Service') {
    const spec = obj!.spec as { clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[] };
    delete spec.clusterIP;
    delete spec.clusterIPs;
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  return obj!;
}

describe.skipIf(kubectlGate.skip)("kubectl's protobuf commands against the lab API", () => {
  it('kubectl create namespace', async () => {
    const made = await kubectl(['create', 'namespace', 'demo']);
    expect(made.stdout).toBe('namespace/demo created');
    const json = await kubectl(['create', 'namespace', 'demo-json', '--dry-run=client', '-o', 'json']);
    expect((await kubectl(['create', '-f', '-'], json.stdout)).code).toBe(0);
    const viaJson = JSON.stringify(stored('Namespace', undefined, 'demo-json')).replaceAll('demo-json', 'demo');
    expect(stored('Namespace', undefined, 'demo')).toEqual(JSON.parse(viaJson));
    expect(stored('Namespace', undefined, 'demo')).toMatchObject({ status: { phase: 'Active' } });
  });

  it('kubectl create deployment --image --port --replicas', async () => {
    await bothWays(['create', 'deployment', 'web', '--image=x', '--port=80', '--replicas=2']);
    const deployment = stored('Deployment', 'proto', 'web');
    expect(deployment).toEqual(stored('Deployment', 'json', 'web'));
    expect(deployment).toMatchObject({ spec: { replicas: 2, template: { spec: { containers: [{ image: 'x', ports: [{ containerPort: 80 }] }] } } } });
  });

  it('kubectl create configmap --from-literal', async () => {
    await bothWays(['create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=level=3']);
    expect(stored('ConfigMap', 'proto', 'settings')).toEqual(stored('ConfigMap', 'json', 'settings'));
    expect(stored('ConfigMap', 'proto', 'settings')).toMatchObject({ data: { mode: 'fast', level: '3' } });
  });

  it('kubectl create service nodeport --tcp', async () => {
    await bothWays(['create', 'service', 'nodeport', 'np', '--tcp=80:8080']);
    expect(stored('Service', 'proto', 'np')).toEqual(stored('Service', 'json', 'np'));
    expect(stored('Service', 'proto', 'np')).toMatchObject({ spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 8080 }] } });
  });

  it('kubectl expose deployment --port and kubectl run … -- sleep 3600', async () => {
    await bothWays(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    expect(stored('Service', 'proto', 'web')).toEqual(stored('Service', 'json', 'web'));
    await bothWays(['run', 'tmp', '--image=x', '--', 'sleep', '3600']);
    expect(stored('Pod', 'proto', 'tmp')).toEqual(stored('Pod', 'json', 'tmp'));
    expect(stored('Pod', 'proto', 'tmp')).toMatchObject({ spec: { containers: [{ name: 'tmp', image: 'x', args: ['sleep', '3600'] }] } });
  });

  it('kubectl debug node/worker makes its host pod on that node', async () => {
    const debug = await kubectl(['debug', 'node/worker', '--image=busybox', '-n', 'proto']);
    expect(debug.code, debug.stderr).toBe(0);
    const pod = lab.store.list('Pod', 'proto').find((p) => p.metadata.name.startsWith('node-debugger-worker-'));
    expect(pod).toMatchObject({ spec: { nodeName: 'worker', hostNetwork: true, hostPID: true, volumes: [{ hostPath: { path: '/' } }] } });
  });

  it('kubectl debug POD --copy-to makes a copy with the debug container beside the original ones', async () => {
    const debug = await kubectl(['debug', 'tmp', '-n', 'proto', '--copy-to=tmp-debug', '--image=busybox', '--container=shell']);
    expect(debug.code, debug.stderr).toBe(0);
    expect(stored('Pod', 'proto', 'tmp-debug')).toMatchObject({
      spec: {
        containers: [
          { name: 'tmp', image: 'x', args: ['sleep', '3600'] },
          { name: 'shell', image: 'busybox' },
        ],
      },
    });
  });
});

/** POST a protobuf body with the lab's CA and token. */
function postProtobuf(urlPath: string, body: Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        ca: credentials.caPem,
        headers: { authorization: `Bearer ${credentials.token}`, 'content-type': 'application/vnd.kubernetes.protobuf' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const MAGIC = Buffer.from('k8s\0', 'latin1');

describe('protobuf bodies the lab cannot take get a Status each, and the server keeps working', () => {
  it('a cut-off body is BadRequest', async () => {
    const answer = await postProtobuf('/api/v1/namespaces/proto/configmaps', Buffer.concat([MAGIC, Buffer.from([0x0a, 0x7f, 0x0a])]));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(answer.json.message).toMatch(/^the protobuf body is malformed in its runtime.Unknown envelope: /);
    expect((await kubectl(['get', 'ns', 'proto', '-o', 'name'])).stdout).toBe('namespace/proto');
  });

  it('a kind the lab reads only as JSON or YAML is UnsupportedMediaType, with what to do instead', async () => {
    const typeMeta = protobuf.Writer.create().uint32(10).string('v1').uint32(18).string('Endpoints').finish();
    const unknown = protobuf.Writer.create().uint32(10).bytes(typeMeta).uint32(18).bytes(new Uint8Array()).finish();
    const answer = await postProtobuf('/api/v1/namespaces/proto/endpoints', Buffer.concat([MAGIC, unknown]));
    expect(answer.json).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    expect(answer.json.message).toBe(
      "the lab's API server reads Endpoints (v1) as JSON or YAML, not protobuf: " +
        'write the object as YAML (kubectl create … --dry-run=client -o yaml > obj.yaml) and kubectl apply -f obj.yaml',
    );
  });
});
