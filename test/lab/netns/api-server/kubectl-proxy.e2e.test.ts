// pods/proxy and services/proxy on a real netns lab, driven by the real kubectl:
// `kubectl get --raw …/proxy/…` and `kubectl proxy` reach the pod's application over the
// lab's network, and the failures read as kube-apiserver words them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../../../helpers/cli.js';
import { gate, labGate } from '../../../helpers/lab-gate.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const labTests = hasKubectl ? labGate() : gate('kubectl is not installed: install kubectl 1.32 to run the lab API server tests');

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-kubectl-proxy-'));
const LAB = 'e2e-proxy';
const env = { NETBREAK_STATE_DIR: stateDir };
const kubeconfig = path.join(stateDir, 'labs', LAB, 'kubeconfig');
let pods: { name: string; ip: string }[] = [];
let kubectlProxy: ChildProcess | undefined;

async function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('kubectl', args, { reject: false, env: { KUBECONFIG: kubeconfig, HOME: stateDir }, timeout: 60_000, input });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: px}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: px}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: px}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

const podPath = (pod: string, rest: string) => `/api/v1/namespaces/px/pods/${pod}/proxy${rest}`;
const servicePath = (service: string, rest: string) => `/api/v1/namespaces/px/services/${service}/proxy${rest}`;

describe.skipIf(labTests.skip)(labTests.title('pods/proxy and services/proxy on a netns lab'), () => {
  beforeAll(async () => {
    const up = await netbreak(['lab', 'up', '--name', LAB], env);
    expect(up.code, up.stderr).toBe(0);
    const apply = await kubectl(['apply', '-f', '-'], APP);
    expect(apply.code, apply.stderr).toBe(0);
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', 'px', '--timeout=60s']);
    expect(wait.code, wait.stderr).toBe(0);
    const listed = await kubectl(['get', 'pods', '-n', 'px', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{"\\n"}{end}']);
    pods = listed.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [name, ip] = line.split(' ') as [string, string];
        return { name, ip };
      });
    expect(pods).toHaveLength(2);
  }, 120_000);
  afterAll(async () => {
    if (kubectlProxy?.pid && kubectlProxy.pid > 0 && kubectlProxy.exitCode === null) kubectlProxy.kill();
    await netbreak(['lab', 'down', '--name', LAB], env);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a pod proxy reaches the pod: with a port number, and without one (the first declared container port)', async () => {
    const pod = pods[0]!.name;
    const withPort = await kubectl(['get', '--raw', podPath(`${pod}:8080`, '/hostname')]);
    expect(withPort, withPort.stderr).toMatchObject({ code: 0, stdout: pod });
    const firstPort = await kubectl(['get', '--raw', podPath(pod, '/echo?msg=through-the-api')]);
    expect(firstPort.stdout).toBe('through-the-api');
  });

  it('a service proxy picks an endpoint by the port number, the port name, or the only port, with or without a scheme', async () => {
    const names = pods.map((p) => p.name);
    for (const id of ['http:web:80', 'web:http', 'web:80']) {
      const r = await kubectl(['get', '--raw', servicePath(id, '/hostname')]);
      expect(r.code, `${id}: ${r.stderr}`).toBe(0);
      expect(names).toContain(r.stdout);
    }
  });

  it("the request comes from the API server's own address on the node network, as kube-apiserver on the control plane sends it, not from a pod", async () => {
    const r = await kubectl(['get', '--raw', servicePath('web:http', '/clientip')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^172\.18\.255\.254:\d+$/);
  });

  it('POST reaches the pod with its body and query (kubectl create --raw)', async () => {
    const file = path.join(stateDir, 'body.txt');
    fs.writeFileSync(file, 'ignored by echo');
    const r = await kubectl(['create', '--raw', servicePath('web:http', '/echo?msg=posted'), '-f', file]);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'posted' });
  });

  it('kubectl proxy in front: a plain HTTP client reaches the service, and the bare …/proxy is redirected to …/proxy/', async () => {
    kubectlProxy = spawn('kubectl', ['proxy', '--port=0'], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: stateDir } });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      kubectlProxy!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      kubectlProxy!.once('exit', (code) => reject(new Error(`kubectl proxy exited ${code}: ${out}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const hostname = await fetch(`${base}${servicePath('web:http', '/hostname')}`);
    expect(hostname.status).toBe(200);
    expect(pods.map((p) => p.name)).toContain(await hostname.text());
    const bare = await fetch(`${base}${servicePath('web:http', '')}`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(servicePath('web:http', '/'));
    const root = await fetch(`${base}${servicePath('web:http', '')}`);
    expect(await root.text()).toMatch(/^NOW: \d{4}-/);
  }, 30_000);

  it("failures read as kube-apiserver's: a closed pod port, a port the Service lacks, no endpoints, a pod that does not exist", async () => {
    const { name, ip } = pods[0]!;
    const closed = await kubectl(['get', '--raw', podPath(`${name}:81`, '/')]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain(`Error from server (ServiceUnavailable): error trying to reach service: dial tcp ${ip}:81: connect: connection refused`);
    const noPort = await kubectl(['get', '--raw', servicePath('web:81', '/')]);
    expect(noPort.stderr).toContain('Error from server (ServiceUnavailable): no service port 81 found for service "web"');
    const scaled = await kubectl(['scale', 'deployment/web', '-n', 'px', '--replicas=0']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const deadline = Date.now() + 30_000;
    let empty = await kubectl(['get', '--raw', servicePath('web:http', '/hostname')]);
    while (empty.code === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      empty = await kubectl(['get', '--raw', servicePath('web:http', '/hostname')]);
    }
    expect(empty.stderr).toContain('Error from server (ServiceUnavailable): no endpoints available for service "web');
    const missing = await kubectl(['get', '--raw', podPath('nope', '/')]);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "nope" not found');
  }, 90_000);
});
