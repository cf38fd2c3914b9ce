// The real kubectl reading a Deployment's ReplicaSets: `get rs`, `describe deploy` with
// its OldReplicaSets/NewReplicaSet, and `rollout status|history|undo|restart`, which
// kubectl computes on the client from the ReplicaSets the deployment controller keeps.
// The lab is its store, admission and the workload controllers (memory-lab.ts), run after
// every change as the supervisor runs them, with pods reported Ready as a kubelet would.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileDeployments } from '../../../../src/lab/netns/controllers/deployments.js';
import { reconcileReplicaSets } from '../../../../src/lab/netns/controllers/replicasets.js';
import { reconcileWorkloadStatus } from '../../../../src/lab/netns/controllers/workload-status.js';
import { reconcileUnscheduled } from '../../../../src/lab/netns/controllers/workloads.js';
import type { ObjectStore } from '../../../../src/lab/netns/store.js';
import { type MemoryApi, runKubectl, startMemoryApi } from './memory-api.js';

const hasKubectl = fs.existsSync('/usr/bin/kubectl');

/** What the kubelet would report for every pod placed on a node: running and ready. */
function runPods(store: ObjectStore): void {
  for (const pod of store.list('Pod')) {
    if (!(pod.spec as { nodeName?: string }).nodeName || (pod.status as { phase?: string }).phase === 'Running') continue;
    store.put({ ...pod, status: { phase: 'Running', podIP: '10.244.1.9', conditions: [{ type: 'Ready', status: 'True' }] } });
  }
}

/** The supervisor's reconcile loop, in its order, after every burst of changes. */
function runControllers(store: ObjectStore): void {
  let busy = false;
  store.onChange(() => {
    if (busy) return;
    busy = true;
    try {
      reconcileDeployments(store);
      reconcileReplicaSets(store);
      reconcileUnscheduled(store);
      runPods(store);
      reconcileWorkloadStatus(store);
    } finally {
      busy = false;
    }
  });
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec]}]
`;

let api: MemoryApi;
const kubectl = (...args: string[]) => runKubectl(api.kubeconfig, args);

/** Retries `run` until `check` passes: the controllers act after the request has been answered. */
async function eventually<T>(run: () => Promise<T>, check: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await run();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.skipIf(!hasKubectl)('kubectl and the ReplicaSets of a Deployment', () => {
  beforeAll(async () => {
    api = await startMemoryApi('netbreak-kubectl-rollout-');
    runControllers(api.lab.store);
    const applied = await runKubectl(api.kubeconfig, ['apply', '-f', '-'], DEPLOYMENT);
    expect(applied.code, applied.stderr).toBe(0);
  });
  afterAll(() => api.close());

  it('get rs lists the Deployment’s ReplicaSet, named and labelled with its pod-template-hash', async () => {
    const rs = await eventually(
      () => kubectl('get', 'rs', '-o', 'wide'),
      (r) => expect(r.stdout).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}\s+2\s+2\s+2\s+\d+s\s+web\s+\S+agnhost:2\.53\s+app=web,pod-template-hash=\S+$/m),
    );
    expect(rs.stdout.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    const name = rs.stdout.split('\n')[1]!.split(/\s+/)[0]!;
    const owner = await kubectl('get', 'rs', name, '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}');
    expect(owner.stdout).toBe('Deployment/web');
    const pods = await kubectl('get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}{"\\n"}{end}');
    expect(pods.stdout.trim().split('\n')).toEqual([name, name]);
  });

  it('describe deploy names the new ReplicaSet and the controller scaling it', async () => {
    const d = await eventually(
      () => kubectl('describe', 'deploy', 'web'),
      (r) => expect(r.stdout).toMatch(/^NewReplicaSet:\s+web-\S+ \(2\/2 replicas created\)$/m),
    );
    expect(d.stdout).toMatch(/^OldReplicaSets:\s+<none>$/m);
    expect(d.stdout).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(d.stdout).toMatch(/^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    expect(d.stdout).toMatch(/^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m);
    expect(d.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\S+ from 0 to 2$/m);
  });

  it('rollout status waits for the rollout; restart makes a new ReplicaSet; history lists both revisions', async () => {
    const status = await kubectl('rollout', 'status', 'deploy/web', '--timeout=20s');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.trim()).toBe('deployment "web" successfully rolled out');
    const first = (await kubectl('get', 'rs', '-o', 'name')).stdout.trim();
    const restart = await kubectl('rollout', 'restart', 'deploy/web');
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout.trim()).toBe('deployment.apps/web restarted');
    expect((await kubectl('rollout', 'status', 'deploy/web', '--timeout=20s')).stdout).toMatch(/deployment "web" successfully rolled out/);
    const sets = await eventually(
      () => kubectl('get', 'rs', '--no-headers'),
      (r) => expect(r.stdout.trim().split('\n')).toHaveLength(2),
    );
    expect(sets.stdout).toMatch(new RegExp(`^${first.replace('replicaset.apps/', '')}\\s+0\\s+0\\s+0\\s+\\d+s$`, 'm'));
    const d = await kubectl('describe', 'deploy', 'web');
    expect(d.stdout).toMatch(new RegExp(`^OldReplicaSets:\\s+${first.replace('replicaset.apps/', '')} \\(0/0 replicas created\\)$`, 'm'));
    expect(d.stdout).toMatch(/Scaled down replica set web-\S+ from 2 to 0$/m);
    const history = await kubectl('rollout', 'history', 'deploy/web');
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n*$/m);
    const revision = await kubectl('rollout', 'history', 'deploy/web', '--revision=2');
    expect(revision.stdout).toMatch(/kubectl\.kubernetes\.io\/restartedAt: /);
  });

  it('rollout undo brings the first template back as revision 3, on its old ReplicaSet', async () => {
    const before = (await kubectl('get', 'rs', '-o', 'name')).stdout.trim().split('\n');
    const undo = await kubectl('rollout', 'undo', 'deploy/web');
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout.trim()).toBe('deployment.apps/web rolled back');
    const history = await eventually(
      () => kubectl('rollout', 'history', 'deploy/web'),
      (r) => expect(r.stdout).toMatch(/^2\s+<none>\n3\s+<none>\n*$/m),
    );
    expect(history.stdout).not.toMatch(/^1\s/m);
    expect((await kubectl('get', 'rs', '-o', 'name')).stdout.trim().split('\n')).toEqual(before);
    const again = await kubectl('rollout', 'undo', 'deploy/web', '--to-revision=3');
    expect(again.stdout.trim()).toBe('deployment.apps/web skipped rollback (current template already matches revision 3)');
    const missing = await kubectl('rollout', 'undo', 'deploy/web', '--to-revision=9');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: unable to find specified revision 9 in history');
  });

  it('scale rs by hand is undone by the Deployment, as on a cluster', async () => {
    const name = (await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}')).stdout;
    expect(name).toBe('3');
    const rs = (await kubectl('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[?(@.spec.replicas==2)].metadata.name}')).stdout;
    const scaled = await kubectl('scale', 'rs', rs, '--replicas=5');
    expect(scaled.code, scaled.stderr).toBe(0);
    await eventually(
      () => kubectl('get', 'rs', rs, '-o', 'jsonpath={.spec.replicas}/{.status.replicas}'),
      (r) => expect(r.stdout).toBe('2/2'),
    );
  });
});
