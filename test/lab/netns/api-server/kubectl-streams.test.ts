// The real kubectl against the lab's API server for the streaming Pod subresources
// that need no network namespace: logs (plain, --tail, --timestamps, -f),
// port-forward (kubectl 1.31+'s SPDY-over-WebSocket tunnel, to a pod and through a
// Service; client-node's channel protocol), attach, and exec's refusals. The pod's agent is played by the real
// forwarding code (agent/localhost-forward.ts) on this machine's loopback; exec's
// commands in a pod's namespace are proven by the lab test (kubectl-streams.e2e.test.ts).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRecord, rfc3339Nano } from '../../../../src/k8s/logs/cri-log.js';
import type { KubeObject } from '../../../../src/k8s/objects.js';
import { forwardToLocalhost } from '../../../../src/lab/netns/agent/localhost-forward.js';
import { makeCredentials } from '../../../../src/lab/netns/api-server/credentials.js';
import { kubeconfigText } from '../../../../src/lab/netns/api-server/kubeconfig-file.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { buildRouter } from '../../../../src/lab/netns/api-server/routes.js';
import { createApiServer } from '../../../../src/lab/netns/api-server/server.js';
import { labFiles, podControlSocket, podLogFile } from '../../../../src/lab/netns/names.js';
import { ObjectStore } from '../../../../src/lab/netns/store.js';
import { gate } from '../../../helpers/lab-gate.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const kubectl = gate(
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).error
    ? 'needs kubectl 1.31 or newer on the PATH (https://kubernetes.io/docs/tasks/tools/)'
    : undefined,
);

const LAB = 'streams';
const UID = '7d3c1f52-0000-4000-8000-000000000001';
let kubeconfig = '';
const closers: (() => void)[] = [];
let store: ObjectStore;
let backendPort = 0;

function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-1', namespace: 'shop', uid: UID, labels: { app: 'api' } },
    spec: {
      nodeName: 'worker',
      containers: [{ name: 'api', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', ports: [{ name: 'http', containerPort: backendPort }] }],
    },
    status: {
      phase: 'Running',
      podIP: '10.244.1.5',
      containerStatuses: [{ name: 'api', ready: true, restartCount: 0, state: { running: { startedAt: '2026-12-07T20:00:00Z' } } }],
    },
  } as KubeObject;
}

/** Runs kubectl to its end without blocking: the API server answers from this same process. */
function run(args: string[], timeoutMs = 15_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** Starts a kubectl that keeps running; resolves once its stdout shows `ready`. */
function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string }> {
  const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args]);
  closers.push(() => child.kill());
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubectl ${args.join(' ')} printed no ${ready}: ${out}`)), 15_000);
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => out });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
}

function get(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      })
      .on('error', reject);
  });
}

const logLine = (text: string, stream: 'stdout' | 'stderr' = 'stdout', at = new Date()) =>
  formatRecord({ time: rfc3339Nano(at), stream, partial: false, text });

describe.skipIf(kubectl.skip)(kubectl.title('kubectl logs, port-forward and attach against the lab API server'), () => {
  beforeAll(async () => {
    process.env.NETBREAK_STATE_DIR = tempDir('nb-streams-');
    fs.mkdirSync(labFiles(LAB).pods, { recursive: true });
    // The pod's application: answers on this machine's loopback, where the agent's forwarding connects.
    const backend = http.createServer((req, res) => res.end(`hello from api-1, you asked for ${req.url}`));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backendPort = (backend.address() as net.AddressInfo).port;
    closers.push(() => backend.close());
    const agent = http.createServer((_req, res) => res.writeHead(404).end());
    agent.on('connect', forwardToLocalhost);
    await new Promise<void>((resolve) => agent.listen(podControlSocket(LAB, UID), resolve));
    closers.push(() => agent.close());

    store = new ObjectStore();
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeObject);
    store.put(pod());
    store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    } as KubeObject);
    fs.writeFileSync(
      podLogFile(LAB, 'shop', 'api-1'),
      [
        logLine('Started HTTP server on port 8080', 'stderr', new Date(Date.now() - 60_000)),
        logLine('GET /readyz', 'stderr', new Date(Date.now() - 30_000)),
        logLine('GET /hostname', 'stderr', new Date(Date.now() - 1_000)),
      ].join(''),
    );
    const control: LabControl = {
      lab: LAB,
      store,
      apply: () => {
        throw new Error('this test changes no object through the API');
      },
      delete: () => false,
    };
    const credentials = await makeCredentials(LAB);
    const server = createApiServer(control, credentials, buildRouter());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    closers.push(() => server.closeAllConnections());
    kubeconfig = path.join(process.env.NETBREAK_STATE_DIR, 'kubeconfig');
    fs.writeFileSync(kubeconfig, kubeconfigText(LAB, (server.address() as net.AddressInfo).port, credentials), { mode: 0o600 });
  });

  afterAll(() => {
    for (const close of closers.reverse()) close();
  });

  it('kubectl logs prints the container log, and --tail and --timestamps select from it', async () => {
    const all = await run(['logs', '-n', 'shop', 'api-1']);
    expect(all.stderr).toBe('');
    expect(all.stdout).toBe('Started HTTP server on port 8080\nGET /readyz\nGET /hostname\n');
    const last = await run(['logs', '-n', 'shop', 'api-1', '--tail=1', '--timestamps']);
    expect(last.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z GET \/hostname\n$/);
    expect((await run(['logs', '-n', 'shop', 'api-1', '--since=10s'])).stdout).toBe('GET /hostname\n');
  });

  it('kubectl logs -f keeps printing what the container writes', async () => {
    const follower = await start(['logs', '-f', '-n', 'shop', 'api-1', '--tail=1'], /GET \/hostname\n/);
    fs.appendFileSync(podLogFile(LAB, 'shop', 'api-1'), logLine('GET /echo?msg=later&code='));
    await expect.poll(follower.output, { timeout: 5000 }).toContain('GET /echo?msg=later&code=\n');
    follower.child.kill();
  });

  it('kubectl logs names a container the pod does not have, as kube-apiserver does', async () => {
    const r = await run(['logs', '-n', 'shop', 'api-1', '-c', 'sidecar']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('container sidecar is not valid for pod api-1');
  });

  it('kubectl port-forward reaches the pod port, for a pod and through a Service', async () => {
    const direct = await start(['port-forward', '-n', 'shop', 'pod/api-1', `:${backendPort}`], /Forwarding from 127\.0\.0\.1:(\d+) ->/);
    const local = Number(direct.match[1]);
    expect(await get(local, '/hostname')).toBe('hello from api-1, you asked for /hostname');
    // A second connection over the same session: a new pair of SPDY streams.
    expect(await get(local, '/again')).toBe('hello from api-1, you asked for /again');
    direct.child.kill();
    const viaService = await start(['port-forward', '-n', 'shop', 'svc/api', ':80'], /Forwarding from 127\.0\.0\.1:(\d+) ->/);
    expect(await get(Number(viaService.match[1]), '/svc')).toBe('hello from api-1, you asked for /svc');
    viaService.child.kill();
  });

  it("kubectl port-forward reports kubelet's error for a port nothing listens on", async () => {
    const forward = await start(['port-forward', '-n', 'shop', 'pod/api-1', ':1'], /Forwarding from 127\.0\.0\.1:(\d+) ->/);
    await expect(get(Number(forward.match[1]), '/')).rejects.toThrow();
    await expect.poll(forward.output, { timeout: 5000 }).toContain('an error occurred forwarding');
    expect(forward.output()).toContain('dial tcp4 127.0.0.1:1: connect: connection refused');
    forward.child.kill();
  });

  it("@kubernetes/client-node's PortForward reaches the pod port over the v4 channel protocol", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const input = new PassThrough();
    const chunks: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const ws = (await new PortForward(kc).portForward('shop', 'api-1', [backendPort], output, null, input)) as { close(): void };
    input.write('GET /client-node HTTP/1.0\r\n\r\n');
    await expect.poll(() => Buffer.concat(chunks).toString(), { timeout: 5000 }).toContain('hello from api-1, you asked for /client-node');
    ws.close();
  });

  it("kubectl attach streams the container's output from now on", async () => {
    const attached = await start(['attach', '-n', 'shop', 'api-1'], /If you don't see a command prompt|.*/);
    await new Promise((r) => setTimeout(r, 1000));
    fs.appendFileSync(podLogFile(LAB, 'shop', 'api-1'), logLine('GET /clientip'));
    await expect.poll(attached.output, { timeout: 5000 }).toContain('GET /clientip');
    expect(attached.output()).not.toContain('GET /readyz');
    attached.child.kill();
  });

  it('kubectl exec into a pod that has no sandbox yet says so and exits 1', async () => {
    const r = await run(['exec', '-n', 'shop', 'api-1', '--', 'hostname']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('container not found ("api")');
  });

  it('kubectl exec into a pod that does not exist answers NotFound', async () => {
    const r = await run(['exec', '-n', 'shop', 'api-9', '--', 'hostname']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): pods "api-9" not found');
  });
});
