// The real kubectl into a running netns lab: exec (exit codes, stdin, a terminal,
// the pod's own network namespace, hostname and resolv.conf), debug and attach to
// interactive containers (a shell in the pod's or node's namespace), logs of the pod's
// agent, and port-forward through a Service that a NetworkPolicy closes to every
// pod (a port-forward goes to the pod's localhost, as kubelet's does, so the policy
// does not stop it). One lab for the file, removed at the end.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../../../helpers/cli.js';
import { labGate } from '../../../helpers/lab-gate.js';

const labTests = labGate(['kubectl', 'script']);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-streams-e2e-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = `streams-${process.pid % 100000}`;
const kubeconfig = path.join(stateDir, 'labs', LAB, 'kubeconfig');

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.k8s.io/e2e-test-images/agnhost:2.53
          args: [netexec, --http-port=8080, --udp-port=8081]
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: tmp, namespace: shop}
spec:
  restartPolicy: Never
  containers: [{name: tmp, image: busybox, args: [sh], stdin: true, stdinOnce: true, tty: true}]
---
apiVersion: v1
kind: Pod
metadata: {name: node-debugger-worker, namespace: shop}
spec:
  nodeName: worker
  hostNetwork: true
  restartPolicy: Never
  containers: [{name: debugger, image: nicolaka/netshoot, stdin: true, tty: true}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

function httpGet(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      })
      .on('error', reject);
  });
}

/** Runs a kubectl command line on a terminal (script(1)), typing `input` into it; resolves with what the terminal showed. */
function onTerminal(args: string, input: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', `kubectl --kubeconfig ${kubeconfig} ${args}`, '/dev/null']);
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    // The shell on the other end needs a moment to start before it reads.
    setTimeout(() => child.stdin.write(input), 3000);
    const timer = setTimeout(() => child.kill(), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr: '' });
    });
  });
}

describe.skipIf(labTests.skip)(labTests.title('kubectl exec, logs and port-forward into a netns lab'), () => {
  let podName = '';
  let podIP = '';

  beforeAll(async () => {
    const up = await netbreak(['lab', 'up', '--name', LAB], env);
    expect(up.code, up.stderr).toBe(0);
    const manifest = path.join(stateDir, 'app.yaml');
    fs.writeFileSync(manifest, APP);
    const applied = await netbreak(['apply', '--lab', LAB, '-f', manifest], env);
    expect(applied.code, applied.stderr).toBe(0);
    const pod = await kubectl(['get', 'pods', '-n', 'shop', '-l', 'app=api', '-o', 'jsonpath={.items[0].metadata.name} {.items[0].status.podIP}']);
    [podName, podIP] = pod.stdout.split(' ') as [string, string];
    expect(podIP).toMatch(/^10\.244\.\d+\.\d+$/);
  });

  afterAll(async () => {
    await netbreak(['lab', 'down', '--name', LAB], env);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("runs a command in the pod's network namespace, under the pod's name, with the pod's resolv.conf", async () => {
    const r = await kubectl(['exec', '-n', 'shop', 'deploy/api', '--', 'sh', '-c', 'hostname; ip -4 -o addr show eth0; cat /etc/resolv.conf']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(podName);
    expect(r.stdout).toContain(`inet ${podIP}/24`);
    expect(r.stdout).toContain('search shop.svc.cluster.local svc.cluster.local cluster.local');
  });

  it("exits with the command's exit code, its output on stdout and stderr", async () => {
    const failed = await kubectl(['exec', '-n', 'shop', podName, '--', 'false']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('command terminated with exit code 1');
    const seven = await kubectl(['exec', '-n', 'shop', podName, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(seven.code).toBe(7);
    expect(seven.stdout).toBe('out\n');
    expect(seven.stderr).toMatch(/^err\n/);
  });

  it('says so when the command does not exist, as the container runtime does', async () => {
    const r = await kubectl(['exec', '-n', 'shop', podName, '--', 'no-such-tool']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exec: "no-such-tool": executable file not found in $PATH');
  });

  it('passes stdin through and ends it, so a reading command finishes (kubectl exec -i)', async () => {
    const r = await kubectl(['exec', '-i', '-n', 'shop', podName, '--', 'sh', '-c', 'wc -l'], 'one\ntwo\nthree\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('3');
  });

  it('gives the command a terminal with kubectl exec -it', async () => {
    const r = await onTerminal(`exec -it -n shop ${podName} -- sh`, 'tty; hostname; exit 3\n');
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain(podName);
    expect(r.stdout).not.toContain('\0');
    expect(r.stdout).toContain('command terminated with exit code 3');
  });

  it("kubectl debug -it pod/… adds a debug container whose shell is in the pod's network namespace", async () => {
    const r = await onTerminal(`debug -it -n shop ${podName} --image=nicolaka/netshoot`, 'ip -4 -o addr show eth0; exit\n');
    expect(r.stdout).toContain(`inet ${podIP}/24`);
    const pod = await kubectl(['get', 'pod', '-n', 'shop', podName, '-o', 'jsonpath={.spec.ephemeralContainers[0].image}']);
    expect(pod.stdout).toBe('nicolaka/netshoot');
  });

  // The pods kubectl run -it and kubectl debug node/… create (stdin and tty, the latter on the node's network),
  // written as files, so the test sets stdin and tty itself.
  it('kubectl attach -it to an interactive pod runs its command on a terminal in the pod', async () => {
    const r = await onTerminal('attach -it -n shop tmp', 'echo inside-$((6*7)); hostname; exit\n');
    expect(r.stdout).toContain('inside-42');
    expect(r.stdout).toMatch(/^tmp\r?$/m);
  });

  it("kubectl attach -it to a hostNetwork debug pod gives a shell in the node's network namespace", async () => {
    const r = await onTerminal('attach -it -n shop node-debugger-worker', 'ip -4 -o addr show eth0; exit\n');
    const node = await kubectl(['get', 'node', 'worker', '-o', 'jsonpath={.status.addresses[0].address}']);
    expect(r.stdout).toContain(`inet ${node.stdout}/`);
  });

  it("prints the pod agent's log: the servers it started, the probes it answered", async () => {
    const r = await kubectl(['logs', '-n', 'shop', 'deploy/api']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started HTTP server on port 8080$/m);
    expect(r.stdout).toMatch(/ GET \/readyz$/m);
    const tail = await kubectl(['logs', '-n', 'shop', podName, '--tail=1']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('port-forwards to the Service past a NetworkPolicy that closes the pod to every other pod', async () => {
    const blocked = await netbreak(['probe', '--lab', LAB, '--from', 'kube-system/coredns', '--to', 'http://api.shop/hostname', '--json'], env);
    expect(blocked.json().outcome).not.toBe('success');
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, 'port-forward', '-n', 'shop', 'svc/api', ':80']);
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`kubectl port-forward printed: ${out}`)), 15_000);
        const look = (c: Buffer) => {
          out += c.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        };
        child.stdout.on('data', look);
        child.stderr.on('data', look);
      });
      expect(await httpGet(port, '/hostname')).toBe(podName);
      expect(await httpGet(port, '/echo?msg=again')).toBe('again');
    } finally {
      child.kill();
    }
    const log = await kubectl(['logs', '-n', 'shop', podName, '--tail=5']);
    expect(log.stdout).toContain('GET /echo?msg=again&code=');
  });
});
