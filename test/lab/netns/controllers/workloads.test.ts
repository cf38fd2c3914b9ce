import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileDaemonSets, reconcileUnscheduled, schedule, type PodSpec } from '../../../../src/lab/netns/controllers/workloads.js';
import { reconcileDeployments } from '../../../../src/lab/netns/controllers/deployments.js';
import { reconcileReplicaSets } from '../../../../src/lab/netns/controllers/replicasets.js';
import { reconcileWorkloadStatus } from '../../../../src/lab/netns/controllers/workload-status.js';
import { templateHash } from '../../../../src/k8s/pod-template-hash.js';
import { podsOfWorkload } from '../../../../src/k8s/pod-workload.js';
import { evictUntoleratedPods } from '../../../../src/lab/netns/controllers/taint-eviction.js';
import { ObjectStore } from '../../../../src/lab/netns/store.js';
import { nodeObjects } from '../../../../src/lab/netns/system-objects.js';
import { buildTopology } from '../../../../src/lab/netns/topology.js';
import type { KubeObject } from '../../../../src/k8s/objects.js';

const CP_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
let dir: string;
let store: ObjectStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-workloads-'));
  store = new ObjectStore(path.join(dir, 'store.json'));
  for (const node of nodeObjects(buildTopology(['control-plane', 'worker', 'worker']))) store.put(node);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function podSpec(extra: Partial<PodSpec> = {}): PodSpec {
  return { containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec'] }], ...extra };
}

function putDeployment(name: string, replicas: number, extra: Partial<PodSpec> = {}, annotations?: Record<string, string>): KubeObject {
  return store.put({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, ...(annotations ? { annotations } : {}) }, spec: podSpec(extra) },
    },
  });
}

function putDaemonSet(name: string, extra: Partial<PodSpec> = {}): KubeObject {
  return store.put({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec(extra) } },
  });
}

const podsOf = (owner: KubeObject) => podsOfWorkload(owner, store.list('ReplicaSet', owner.metadata.namespace), store.list('Pod', owner.metadata.namespace));

/** The deployment controller, then the replicaset controller: one supervisor pass over a Deployment. */
function deployments(): boolean {
  const sized = reconcileDeployments(store);
  return reconcileReplicaSets(store) || sized;
}
const nodeOf = (pod: KubeObject) => (pod.spec as PodSpec).nodeName;
const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name).sort();

function scale(name: string, replicas: number) {
  const d = store.get({ kind: 'Deployment', namespace: 'shop', name })!;
  store.put({ ...d, spec: { ...(d.spec as object), replicas } });
}

describe('Deployment controller', () => {
  it('creates N pods named <deployment>-<template hash>-<5 chars>, labelled and owned by its ReplicaSet', () => {
    const d = putDeployment('api', 3);
    expect(deployments()).toBe(true);
    const pods = podsOf(d);
    expect(pods).toHaveLength(3);
    const hash = templateHash((d.spec as any).template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    const rs = store.get({ kind: 'ReplicaSet', namespace: 'shop', name: `api-${hash}` })!;
    expect(rs.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(rs.metadata.labels).toEqual({ app: 'api', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3' });
    expect(rs.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'api', 'pod-template-hash': hash } } });
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^api-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(pod.metadata.labels).toEqual({ app: 'api', 'pod-template-hash': hash });
      expect(pod.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `api-${hash}`, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(pod.status).toEqual({ phase: 'Pending' });
    }
    expect(new Set(names(pods)).size).toBe(3);
  });

  it('does nothing more once the pods exist', () => {
    putDeployment('api', 2);
    deployments();
    const version = store.resourceVersion;
    expect(deployments()).toBe(false);
    expect(store.resourceVersion).toBe(version);
  });

  it('scaling down keeps some of the pods it had, scaling up keeps them all and adds new ones', () => {
    const d = putDeployment('api', 3);
    deployments();
    const three = names(podsOf(d));
    scale('api', 1);
    deployments();
    const one = names(podsOf(d));
    expect(one).toHaveLength(1);
    expect(three).toContain(one[0]);
    scale('api', 4);
    deployments();
    const four = names(podsOf(d));
    expect(four).toHaveLength(4);
    expect(four).toContain(one[0]);
    scale('api', 0);
    deployments();
    expect(podsOf(d)).toEqual([]);
  });

  it('a template change (rollout restart) replaces every pod with pods of the new template', () => {
    const d = putDeployment('api', 2);
    deployments();
    const before = names(podsOf(d));
    const restarted = putDeployment('api', 2, {}, { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' });
    deployments();
    const after = podsOf(d);
    expect(after).toHaveLength(2);
    for (const name of before) expect(names(after)).not.toContain(name);
    const newHash = templateHash((restarted.spec as any).template);
    expect(newHash).not.toBe(templateHash((d.spec as any).template));
    for (const pod of after) {
      expect(pod.metadata.labels!['pod-template-hash']).toBe(newHash);
      expect(pod.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' });
    }
  });

  it('a rollout makes a ReplicaSet of the next revision and scales the old one to 0; going back reuses the old one', () => {
    const d = putDeployment('api', 2);
    deployments();
    const first = templateHash((d.spec as any).template);
    const restarted = putDeployment('api', 2, {}, { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' });
    deployments();
    const second = templateHash((restarted.spec as any).template);
    const sets = () =>
      store
        .list('ReplicaSet', 'shop')
        .map((rs) => `${rs.metadata.name} r${rs.metadata.annotations!['deployment.kubernetes.io/revision']} ${(rs.spec as any).replicas}`);
    expect(sets().sort()).toEqual([`api-${first} r1 0`, `api-${second} r2 2`].sort());
    expect(store.get({ kind: 'Deployment', namespace: 'shop', name: 'api' })!.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '2' });
    expect(names(podsOf(d)).every((n) => n.startsWith(`api-${second}-`))).toBe(true);
    // kubectl rollout undo writes the old template back: its ReplicaSet comes back as revision 3.
    putDeployment('api', 2);
    deployments();
    expect(sets().sort()).toEqual([`api-${first} r3 2`, `api-${second} r2 0`].sort());
    expect(names(podsOf(d)).every((n) => n.startsWith(`api-${first}-`))).toBe(true);
    const scaling = store
      .list('Event', 'shop')
      .filter((e) => e.reason === 'ScalingReplicaSet')
      .map((e) => e.message);
    expect(scaling).toEqual(
      expect.arrayContaining([
        `Scaled up replica set api-${second} from 0 to 2`,
        `Scaled down replica set api-${first} from 2 to 0`,
        `Scaled up replica set api-${first} from 0 to 2`,
      ]),
    );
  });

  it('keeps revisionHistoryLimit old ReplicaSets, dropping the oldest revisions', () => {
    const put = (n: number) => {
      const d = putDeployment('api', 1, {}, { revision: String(n) });
      store.put({ ...d, spec: { ...(d.spec as object), revisionHistoryLimit: 1 } });
      deployments();
    };
    for (let n = 1; n <= 4; n++) put(n);
    const revisions = store.list('ReplicaSet', 'shop').map((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision']);
    expect(revisions.sort()).toEqual(['3', '4']);
  });

  it('spreads pods over the workers and keeps them off the tainted control-plane', () => {
    const d = putDeployment('api', 4);
    deployments();
    const perNode = podsOf(d).map(nodeOf).sort();
    expect(perNode).toEqual(['worker', 'worker', 'worker2', 'worker2']);
  });

  it('a nodeName in the pod template pins every pod to that node, bypassing the scheduler', () => {
    const d = putDeployment('api', 3, { nodeName: 'worker2' });
    deployments();
    expect(podsOf(d).map(nodeOf)).toEqual(['worker2', 'worker2', 'worker2']);
  });

  it('with the control-plane toleration, uses the control-plane too', () => {
    const d = putDeployment('coredns', 3, { tolerations: [CP_TOLERATION] });
    deployments();
    expect(podsOf(d).map(nodeOf).sort()).toEqual(['control-plane', 'worker', 'worker2']);
  });
});

describe('scheduler', () => {
  it('picks the least busy allowed node', () => {
    const d = putDeployment('api', 1);
    deployments();
    const busy = nodeOf(podsOf(d)[0]!);
    expect(schedule(store, podSpec())).toBe(busy === 'worker' ? 'worker2' : 'worker');
  });

  it('never picks the control-plane without a toleration, even when it is the only node selected', () => {
    expect(schedule(store, podSpec({ nodeSelector: { 'kubernetes.io/hostname': 'control-plane' } }))).toBeUndefined();
    expect(schedule(store, podSpec({ nodeSelector: { 'kubernetes.io/hostname': 'control-plane' }, tolerations: [CP_TOLERATION] }))).toBe('control-plane');
    expect(schedule(store, podSpec({ nodeSelector: { 'kubernetes.io/hostname': 'control-plane' }, tolerations: [{ operator: 'Exists' }] }))).toBe(
      'control-plane',
    );
    expect(
      schedule(store, podSpec({ nodeSelector: { 'kubernetes.io/hostname': 'control-plane' }, tolerations: [{ key: 'other', effect: 'NoSchedule' }] })),
    ).toBeUndefined();
  });

  it('honours required node affinity', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker2'] }] }],
        },
      },
    };
    expect(schedule(store, podSpec({ affinity }))).toBe('worker2');
  });

  it('a bare pod without a node gets one; one no node fits stays unscheduled', () => {
    store.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'shop' }, spec: podSpec() });
    store.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stuck', namespace: 'shop' }, spec: podSpec({ nodeSelector: { disk: 'ssd' } }) });
    expect(reconcileUnscheduled(store)).toBe(true);
    expect(['worker', 'worker2']).toContain(nodeOf(store.get({ kind: 'Pod', namespace: 'shop', name: 'client' })!));
    expect(nodeOf(store.get({ kind: 'Pod', namespace: 'shop', name: 'stuck' })!)).toBeUndefined();
    expect(reconcileUnscheduled(store)).toBe(false);
  });
});

describe('DaemonSet controller', () => {
  it('runs one pod on every worker, and none on the tainted control-plane', () => {
    const ds = putDaemonSet('agent');
    reconcileDaemonSets(store);
    const pods = podsOf(ds);
    expect(pods.map(nodeOf).sort()).toEqual(['worker', 'worker2']);
    for (const pod of pods) expect(pod.metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(reconcileDaemonSets(store)).toBe(false);
  });

  it('with the control-plane toleration, runs on every node', () => {
    const ds = putDaemonSet('kube-proxy', { tolerations: [{ operator: 'Exists' }] });
    reconcileDaemonSets(store);
    expect(podsOf(ds).map(nodeOf).sort()).toEqual(['control-plane', 'worker', 'worker2']);
  });

  it('narrowing the node selector removes the pods on nodes no longer selected, and keeps the others', () => {
    const ds = putDaemonSet('kube-proxy', { tolerations: [{ operator: 'Exists' }] });
    reconcileDaemonSets(store);
    const onWorker = podsOf(ds).find((p) => nodeOf(p) === 'worker')!.metadata.name;
    // "kube-proxy stopped on worker2": a selector that leaves worker2 out. The template changes, so pods roll.
    const narrowed = putDaemonSet('kube-proxy', { tolerations: [{ operator: 'Exists' }], nodeSelector: { 'kubernetes.io/hostname': 'worker' } });
    reconcileDaemonSets(store);
    const pods = podsOf(narrowed);
    expect(pods.map(nodeOf)).toEqual(['worker']);
    expect(pods[0]!.metadata.name).not.toBe(onWorker);
    expect(pods[0]!.metadata.labels!['controller-revision-hash']).toBe(templateHash((narrowed.spec as any).template));
  });
});

function taint(node: string, taints: { key: string; value?: string; effect: string }[]) {
  const n = store.get({ kind: 'Node', name: node })!;
  store.put({ ...n, spec: { ...(n.spec as object), taints } });
}

/** One pass of the controllers in the supervisor's order. */
function reconcileAll() {
  evictUntoleratedPods(store);
  deployments();
  reconcileDaemonSets(store);
}

describe('taints: the taint manager, the scheduler and the DaemonSet controller', () => {
  const kubeProxy = (tolerations: object[]) => putDaemonSet('kube-proxy', { hostNetwork: true, tolerations });
  const batchTaint = { key: 'dedicated', value: 'batch', effect: 'NoExecute' };

  it('a NoExecute taint evicts the pods that do not tolerate it; the Deployment puts them back elsewhere', () => {
    const api = putDeployment('api', 2);
    const reports = putDeployment('reports', 1, {
      nodeSelector: { 'kubernetes.io/hostname': 'worker2' },
      tolerations: [{ key: 'dedicated', value: 'batch', effect: 'NoExecute' }],
    });
    reconcileAll();
    expect(podsOf(api).map(nodeOf).sort()).toEqual(['worker', 'worker2']);
    const reportsPod = podsOf(reports)[0]!.metadata.name;
    taint('worker2', [batchTaint]);
    expect(evictUntoleratedPods(store)).toBe(true);
    reconcileAll();
    expect(podsOf(api).map(nodeOf)).toEqual(['worker', 'worker']);
    // The batch job tolerates the taint, value and all: it stays.
    expect(podsOf(reports).map((p) => p.metadata.name)).toEqual([reportsPod]);
    expect(evictUntoleratedPods(store)).toBe(false);
  });

  it('a toleration for another value of the key keeps kube-proxy off the node; Exists brings it back', () => {
    kubeProxy([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'ingress', effect: 'NoExecute' },
    ]);
    reconcileAll();
    expect(store.list('Pod', 'kube-system').map(nodeOf).sort()).toEqual(['control-plane', 'worker', 'worker2']);
    taint('worker2', [batchTaint]);
    reconcileAll();
    expect(store.list('Pod', 'kube-system').map(nodeOf).sort()).toEqual(['control-plane', 'worker']);
    kubeProxy([{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { operator: 'Exists' }]);
    reconcileAll();
    expect(store.list('Pod', 'kube-system').map(nodeOf).sort()).toEqual(['control-plane', 'worker', 'worker2']);
  });

  it('a NoSchedule taint keeps new pods off but leaves running ones, daemons included; tolerationSeconds 0 evicts at once', () => {
    const agent = putDaemonSet('agent');
    const api = putDeployment('api', 2);
    reconcileAll();
    const before = names([...podsOf(agent), ...podsOf(api)]);
    taint('worker2', [{ key: 'maintenance', effect: 'NoSchedule' }]);
    reconcileAll();
    expect(names([...podsOf(agent), ...podsOf(api)])).toEqual(before);
    scale('api', 3);
    reconcileAll();
    expect(podsOf(api).map(nodeOf).sort()).toEqual(['worker', 'worker', 'worker2']);
    const soon = putDeployment('soon', 1, {
      nodeSelector: { 'kubernetes.io/hostname': 'worker' },
      tolerations: [{ key: 'dedicated', operator: 'Exists', tolerationSeconds: 0 }],
    });
    reconcileAll();
    taint('worker', [batchTaint]);
    evictUntoleratedPods(store);
    expect(podsOf(soon)).toEqual([]);
  });

  it("daemon pods carry the controller's own tolerations: a cordoned node keeps its daemons", () => {
    const agent = putDaemonSet('agent');
    reconcileAll();
    const pod = podsOf(agent)[0]!;
    expect((pod.spec as PodSpec).tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
    taint('worker', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    taint('worker2', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    putDaemonSet('agent2');
    reconcileAll();
    expect(
      store
        .list('Pod', 'kube-system')
        .filter((p) => p.metadata.name.startsWith('agent2-'))
        .map(nodeOf)
        .sort(),
    ).toEqual(['worker', 'worker2']);
  });
});

describe('workload status', () => {
  it('counts pods and ready pods the way kubectl get deploy,ds shows them', () => {
    const d = putDeployment('api', 2);
    putDaemonSet('agent');
    deployments();
    reconcileDaemonSets(store);
    const [first] = podsOf(d);
    store.put({ ...first!, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    reconcileWorkloadStatus(store);
    expect(store.get({ kind: 'Deployment', namespace: 'shop', name: 'api' })!.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      unavailableReplicas: 1,
      conditions: [
        // 25% of 2 replicas may be unavailable, rounded down: none.
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' },
      ],
    });
    const rs = store.list('ReplicaSet', 'shop')[0]!;
    expect(rs.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
    expect(store.get({ kind: 'DaemonSet', namespace: 'kube-system', name: 'agent' })!.status).toMatchObject({ desiredNumberScheduled: 2, numberReady: 0 });
  });
});

describe('controller events', () => {
  const events = (reason: string) =>
    store
      .list('Event')
      .filter((e) => e.reason === reason)
      .map((e) => `${(e.involvedObject as { kind: string }).kind}/${(e.involvedObject as { name: string }).name}: ${e.message} (x${e.count})`);

  it('a new Deployment scales up its replica set, which creates pods the scheduler assigns', () => {
    const d = putDeployment('api', 2);
    deployments();
    reconcileWorkloadStatus(store);
    const hash = templateHash((d.spec as any).template);
    const pods = podsOf(d);
    expect(events('ScalingReplicaSet')).toEqual([`Deployment/api: Scaled up replica set api-${hash} from 0 to 2 (x1)`]);
    expect(events('SuccessfulCreate').sort()).toEqual(names(pods).map((n) => `ReplicaSet/api-${hash}: Created pod: ${n} (x1)`));
    expect(events('Scheduled').sort()).toEqual(
      pods.map((p) => `Pod/${p.metadata.name}: Successfully assigned shop/${p.metadata.name} to ${nodeOf(p)} (x1)`).sort(),
    );
    const scheduled = store.list('Event').find((e) => e.reason === 'Scheduled')!;
    expect(scheduled).toMatchObject({ type: 'Normal', source: { component: 'default-scheduler' }, metadata: { namespace: 'shop' }, count: 1 });
  });

  it('scaling reports the replica set resized; a deleted pod is only replaced', () => {
    const d = putDeployment('api', 2);
    deployments();
    reconcileWorkloadStatus(store);
    const hash = templateHash((d.spec as any).template);
    scale('api', 1);
    deployments();
    reconcileWorkloadStatus(store);
    expect(events('ScalingReplicaSet')).toContain(`Deployment/api: Scaled down replica set api-${hash} from 2 to 1 (x1)`);
    expect(events('SuccessfulDelete')).toHaveLength(1);
    const [left] = podsOf(d);
    store.delete({ kind: 'Pod', namespace: 'shop', name: left!.metadata.name });
    deployments();
    expect(events('ScalingReplicaSet')).toHaveLength(2);
    expect(events('SuccessfulCreate')).toHaveLength(3);
  });

  it('a DaemonSet reports the pods it creates on itself', () => {
    const ds = putDaemonSet('agent');
    reconcileDaemonSets(store);
    expect(events('SuccessfulCreate').sort()).toEqual(names(podsOf(ds)).map((n) => `DaemonSet/agent: Created pod: ${n} (x1)`));
  });

  it('the scheduler says once why a pod stays Pending, node by node, as kube-scheduler words it', () => {
    store.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'picky', namespace: 'shop' }, spec: podSpec({ nodeSelector: { disk: 'ssd' } }) });
    reconcileUnscheduled(store);
    reconcileUnscheduled(store);
    expect(events('FailedScheduling')).toEqual([
      "Pod/picky: 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling. (x1)',
    ]);
    expect(store.list('Event').find((e) => e.reason === 'FailedScheduling')).toMatchObject({ type: 'Warning', source: { component: 'default-scheduler' } });
  });

  it('the scheduler reports placing a bare pod', () => {
    store.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tmp', namespace: 'shop' }, spec: podSpec() });
    reconcileUnscheduled(store);
    expect(events('Scheduled')).toEqual([
      `Pod/tmp: Successfully assigned shop/tmp to ${nodeOf(store.get({ kind: 'Pod', namespace: 'shop', name: 'tmp' })!)} (x1)`,
    ]);
  });
});

it('templateHash is stable for one template and differs after any change', () => {
  const t = { metadata: { labels: { app: 'a' } }, spec: podSpec() };
  expect(templateHash(structuredClone(t))).toBe(templateHash(t));
  expect(templateHash({ ...t, metadata: { labels: { app: 'b' } } })).not.toBe(templateHash(t));
  expect(templateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
});
