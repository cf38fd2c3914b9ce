// What a learner reads with the real kubectl on a netns lab: `get` prints the
// API server's Table (kube-apiserver's columns, -o wide extras, AGE), and the
// controllers' and kubelet's Events make `describe` and `get events` tell the story.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../../../helpers/cli.js';
import { gate, labGate } from '../../../helpers/lab-gate.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const labTests = hasKubectl ? labGate() : gate('kubectl is not installed: install kubectl 1.32 to run the lab API server tests');

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-kubectl-views-'));
const LAB = 'e2e-views';
const env = { NETBREAK_STATE_DIR: stateDir };
const cli = (...args: string[]) => netbreak(args, env);
const kubeconfig = path.join(stateDir, 'labs', LAB, 'kubeconfig');

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('kubectl', args, { reject: false, env: { KUBECONFIG: kubeconfig, HOME: stateDir }, timeout: 30_000 });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Asks again until `check` passes: the lab's controllers and probes act within seconds, not at once. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** A Deployment whose readiness probe asks a port nothing serves: it never gets ready and kubelet says why. */
const UNREADY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: unready, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: unready}}
  template:
    metadata: {labels: {app: unready}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [netexec, --http-port=8080]
        readinessProbe: {httpGet: {path: /ready, port: 9090}, periodSeconds: 1}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
`;

describe.skipIf(labTests.skip)(labTests.title('kubectl get and describe on a netns lab'), () => {
  beforeAll(async () => {
    const start = await cli('start', 'afternoon-deploy', '--lab', LAB, '--seed', '0');
    expect(start.code, start.stderr).toBe(0);
    const file = path.join(stateDir, 'unready.yaml');
    fs.writeFileSync(file, UNREADY);
    // kubectl apply does not wait for readiness (netbreak apply does, and this pod never gets ready).
    const apply = await kubectl('apply', '-f', file);
    expect(apply.code, apply.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await cli('stop');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('get pods prints kube-apiserver columns, -o wide the IP and node, -A the namespace', async () => {
    const wide = await eventually(
      () => kubectl('get', 'pods', '-n', 'shop', '-o', 'wide'),
      (r) => expect(r.stdout).toMatch(/^api-\S+\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+worker2?\s+<none>\s+<none>$/m),
    );
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const all = await kubectl('get', 'pods', '-A');
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(all.stdout).toMatch(/^kube-system\s+coredns-\S+\s+1\/1\s+Running\s+0\s+\d+s$/m);
    const labels = await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=api', '--show-labels');
    expect(labels.stdout).toMatch(/app=api,pod-template-hash=/);
  });

  it('a pod whose readiness probe fails reads 0/1 Running, and its Unhealthy event says why, counted', async () => {
    await eventually(
      () => kubectl('get', 'pods', '-n', 'shop', '-l', 'app=unready'),
      (r) => expect(r.stdout).toMatch(/^unready-\S+\s+0\/1\s+Running\s+0\s+\d+s$/m),
    );
    const events = await eventually(
      () => kubectl('get', 'events', '-n', 'shop', '-o', 'wide'),
      (r) =>
        expect(r.stdout).toMatch(
          /Warning\s+Unhealthy\s+pod\/unready-\S+\s+spec\.containers\{web\}\s+kubelet, worker2?\s+Readiness probe failed: Get "http:\/\/10\.244\.\d+\.\d+:9090\/ready": dial tcp 10\.244\.\d+\.\d+:9090: connect: connection refused\s+\d+s\s+([3-9]|\d\d+)\s+unready-\S+\.[0-9a-f]+$/m,
        ),
    );
    expect(events.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    const pod = (await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=unready', '-o', 'name')).stdout.trim();
    const described = await kubectl('describe', '-n', 'shop', pod);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^\s+Warning\s+Unhealthy\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Readiness probe failed: Get "http:/m);
  });

  it('describe pod tells how the pod came to run: scheduled, image present, created, started', async () => {
    const pod = (await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=api', '-o', 'name')).stdout.split('\n')[0]!;
    const d = await kubectl('describe', '-n', 'shop', pod);
    expect(d.code, d.stderr).toBe(0);
    const events = d.stdout.slice(d.stdout.indexOf('Events:'));
    expect(events).toMatch(/^\s+Type\s+Reason\s+Age\s+From\s+Message$/m);
    expect(events).toMatch(/Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned shop\/api-\S+ to worker2?$/m);
    expect(events).toMatch(
      /Normal\s+Pulled\s+\S+\s+kubelet\s+Container image "registry\.k8s\.io\/e2e-test-images\/agnhost:2\.53" already present on machine$/m,
    );
    expect(events).toMatch(/Normal\s+Created\s+\S+\s+kubelet\s+Created container: api$/m);
    expect(events).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container api$/m);
    // Only this pod's events: describe lists them by involvedObject field selectors.
    expect(events).not.toMatch(/frontend|ScalingReplicaSet/);
  });

  it('describe deploy shows the deployment controller scaling its replica set; scale adds to the story', async () => {
    const scaled = await kubectl('scale', 'deploy/api', '-n', 'shop', '--replicas=3');
    expect(scaled.code, scaled.stderr).toBe(0);
    const d = await eventually(
      () => kubectl('describe', 'deploy/api', '-n', 'shop'),
      (r) => expect(r.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set api-\S+ from 2 to 3$/m),
    );
    expect(d.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set api-\S+ from 0 to 2$/m);
    await eventually(
      () => kubectl('get', 'deploy', 'api', '-n', 'shop', '-o', 'wide'),
      (r) => {
        expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
        expect(r.stdout).toMatch(/^api\s+3\/3\s+3\s+3\s+\S+\s+api\s+registry\.k8s\.io\/e2e-test-images\/agnhost:2\.53\s+app=api$/m);
      },
    );
    const created = await kubectl('get', 'events', '-n', 'shop', '--field-selector', 'reason=SuccessfulCreate');
    expect(created.stdout).toMatch(/Normal\s+SuccessfulCreate\s+replicaset\/api-\S+\s+Created pod: api-\S+$/m);
  });

  it('get -o wide for services, endpoints, slices, nodes, namespaces, policies and DaemonSets reads as on a cluster', async () => {
    const svc = await kubectl('get', 'svc', '-A', '-o', 'wide');
    expect(svc.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/);
    expect(svc.stdout).toMatch(/^kube-system\s+kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s+\S+\s+k8s-app=kube-dns$/m);
    // The scenario's Service selects app=api-v2, which no pod carries: no endpoints.
    expect((await kubectl('get', 'endpoints', 'api', '-n', 'shop')).stdout).toMatch(/^api\s+<none>\s+\S+$/m);
    expect((await kubectl('get', 'endpointslices', '-n', 'kube-system')).stdout).toMatch(
      /^kube-dns-\S+\s+IPv4\s+53,53,9153\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s+\S+$/m,
    );
    const nodes = await kubectl('get', 'nodes', '-o', 'wide');
    expect(nodes.stdout.split('\n')[0]).toMatch(
      /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/,
    );
    expect(nodes.stdout).toMatch(/^control-plane\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\d+\s+172\.18\.0\.\d+\s+<none>\s+\S.*\s+\d+\.\d+\S*\s+<unknown>$/m);
    expect(nodes.stdout).toMatch(/^worker\s+Ready\s+<none>\s+/m);
    expect((await kubectl('get', 'ns', 'shop')).stdout).toMatch(/^shop\s+Active\s+\S+$/m);
    expect((await kubectl('get', 'netpol', '-n', 'shop')).stdout).toMatch(/^api-ingress\s+app=api\s+\S+$/m);
    const ds = await kubectl('get', 'ds', '-n', 'kube-system');
    expect(ds.stdout.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    expect(ds.stdout).toMatch(/^kube-proxy\s+3\s+3\s+3\s+3\s+3\s+kubernetes\.io\/os=linux\s+\S+$/m);
    expect((await kubectl('get', 'cm', 'coredns', '-n', 'kube-system')).stdout).toMatch(/^coredns\s+1\s+\S+$/m);
  });

  it('deleting a pod leaves kubelet Killing it and the replica set replacing it (no SuccessfulDelete: it did not delete it)', async () => {
    const pod = (await kubectl('get', 'pods', '-n', 'shop', '-l', 'app=frontend', '-o', 'name')).stdout.trim();
    expect((await cli('delete', pod, '-n', 'shop', '--lab', LAB)).code).toBe(0);
    const name = pod.replace('pod/', '');
    const events = await eventually(
      () => kubectl('get', 'events', '-A'),
      (r) => {
        expect(r.stdout).toMatch(new RegExp(`^shop\\s+\\S+\\s+Normal\\s+Killing\\s+pod/${name}\\s+Stopping container frontend$`, 'm'));
        const created = r.stdout.match(/^shop\s+\S+\s+Normal\s+SuccessfulCreate\s+replicaset\/frontend-\S+\s+Created pod: frontend-\S+$/gm) ?? [];
        expect(created).toHaveLength(2);
        expect(r.stdout).not.toMatch(/SuccessfulDelete\s+replicaset\/frontend-/);
      },
    );
    expect(events.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const describeSvc = await kubectl('describe', 'svc', 'api', '-n', 'shop');
    expect(describeSvc.stdout).toMatch(/^Events:\s+<none>$/m);
    const describePolicy = await kubectl('describe', 'netpol', 'api-ingress', '-n', 'shop');
    expect(describePolicy.code, describePolicy.stderr).toBe(0);
    expect(describePolicy.stdout).toMatch(/PodSelector:\s+app=api/);
  });

  it('a Deployment owns its ReplicaSet; rollout restart makes a new one, which rollout status and history follow', async () => {
    // The pod the test before deleted is being replaced: wait for its successor to be ready.
    const rs = await eventually(
      () => kubectl('get', 'rs', '-n', 'shop', '-l', 'app=frontend'),
      (r) => expect(r.stdout).toMatch(/^frontend-[bcdfghjklmnpqrstvwxz2456789]+\s+1\s+1\s+1\s+\S+$/m),
    );
    expect(rs.stdout.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const restart = await kubectl('rollout', 'restart', 'deploy/frontend', '-n', 'shop');
    expect(restart.code, restart.stderr).toBe(0);
    const status = await kubectl('rollout', 'status', 'deploy/frontend', '-n', 'shop', '--timeout=60s');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/deployment "frontend" successfully rolled out$/m);
    const sets = await eventually(
      () => kubectl('get', 'rs', '-n', 'shop', '-l', 'app=frontend', '--no-headers'),
      (r) => expect(r.stdout.trim().split('\n')).toHaveLength(2),
    );
    expect(sets.stdout).toMatch(/^frontend-\S+\s+0\s+0\s+0\s+\S+$/m);
    expect(sets.stdout).toMatch(/^frontend-\S+\s+1\s+1\s+1\s+\S+$/m);
    const history = await kubectl('rollout', 'history', 'deploy/frontend', '-n', 'shop');
    expect(history.stdout).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/m);
    const described = await kubectl('describe', 'deploy', 'frontend', '-n', 'shop');
    expect(described.stdout).toMatch(/^NewReplicaSet:\s+frontend-\S+ \(1\/1 replicas created\)$/m);
  });
});
