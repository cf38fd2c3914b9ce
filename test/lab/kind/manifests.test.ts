// Every object netbreak would send to a real cluster, checked against the
// Kubernetes schemas: each scenario's manifests (every variant), as the kind
// lab stamps them and as the kubeconfig backend maps them into a learner's
// namespaces, and the objects patch/scale/restart steps produce from them.
import { expect, it } from 'vitest';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import { parseObjectRef } from '../../../src/k8s/object-ref.js';
import { KindLab } from '../../../src/lab/kind/kind-lab.js';
import { RESTARTED_AT, type KubeClient } from '../../../src/lab/kube-api/kube-client.js';
import { LEARNER_LABEL, NamespaceMap } from '../../../src/lab/kubeconfig/namespaces.js';
import { mergePatch } from '../../../src/lab/merge-patch.js';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { listScenarios, loadScenario, type LoadedScenario } from '../../../src/scenario/loader.js';
import { variantsToCheck } from '../../../src/scenario/params.js';
import { schemaProblems } from './k8s-schema.js';

const kindLab = new KindLab({ name: 'netbreak', client: {} as KubeClient, kubeconfigFile: '/dev/null', cluster: 'netbreak' });
const learner = new NamespaceMap('alice');

function key(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The objects a scenario's steps leave behind: each manifest object, and what patch, scale and restart make of it. */
function producedObjects(loaded: LoadedScenario): KubeObject[] {
  const objects = new Map<string, KubeObject>();
  for (const list of loaded.manifests.values()) for (const o of list) objects.set(key(o), o);
  const produced = [...objects.values()];
  for (const step of [...loaded.scenario.fault, ...loaded.scenario.fix]) {
    const [name, params] = Object.entries(step)[0]! as [string, any];
    const ref = typeof params?.object === 'string' ? parseObjectRef(params.object) : undefined;
    const target = ref && objects.get(`${ref.kind}/${ref.namespace ?? ''}/${ref.name}`);
    if (!target) continue;
    if (name === 'patch') produced.push(mergePatch(target, params.merge) as KubeObject);
    if (name === 'scale') produced.push(mergePatch(target, { spec: { replicas: params.replicas } }) as KubeObject);
    if (name === 'restart')
      produced.push(mergePatch(target, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: new Date().toISOString() } } } } }) as KubeObject);
  }
  return produced;
}

async function everyVariant(): Promise<LoadedScenario[]> {
  const { scenarios, errors } = await listScenarios(scenariosRoot());
  expect(errors.map((e) => e.message)).toEqual([]);
  const all: LoadedScenario[] = [];
  for (const s of scenarios) {
    for (const params of variantsToCheck(s.scenario.params, 8)) all.push(await loadScenario(s.dir, { params }));
  }
  return all;
}

it('checks the checker: it finds a wrong type, a bad enum, a missing field and an unknown field', () => {
  const bad: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'x', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Egres'], egress: [{ ports: [{ port: 53, protocl: 'UDP' }] }] },
  };
  expect(schemaProblems(bad)).toEqual(['spec.policyTypes.0: must be equal to one of the allowed values', 'spec.egress[0].ports[0].protocl: unknown field']);
  const deploy: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] } } },
  };
  expect(schemaProblems(deploy)).toEqual([
    'spec: must have required property selector',
    'spec.template.spec.containers.0.ports.0.containerPort: must be integer',
  ]);
  expect(schemaProblems({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toEqual(['v1/Secret: not a kind netbreak sends']);
});

it('every scenario manifest, in every variant, is valid as the kind lab sends it', async () => {
  const problems: string[] = [];
  for (const loaded of await everyVariant()) {
    for (const obj of producedObjects(loaded)) {
      const sent = kindLab['outgoing'](obj);
      for (const p of schemaProblems(sent)) problems.push(`${loaded.scenario.id} ${JSON.stringify(loaded.params)} ${key(obj)}: ${p}`);
    }
  }
  expect(problems).toEqual([]);
});

it('every scenario manifest is valid as the kubeconfig backend sends it into a learner’s namespaces', async () => {
  const problems: string[] = [];
  let checked = 0;
  for (const loaded of await everyVariant()) {
    for (const obj of producedObjects(loaded)) {
      if (obj.metadata.namespace && learner.isSystem(obj.metadata.namespace)) continue; // refused there, never sent
      const sent = learner.object(obj);
      sent.metadata.labels = { ...(sent.metadata.labels ?? {}), [LEARNER_LABEL]: 'alice' };
      checked++;
      for (const p of schemaProblems(sent)) problems.push(`${loaded.scenario.id} ${key(sent)}: ${p}`);
      expect(sent.metadata.namespace ?? sent.metadata.name).toMatch(/^nb-alice-/);
    }
  }
  // The namespaces it makes on first use, for objects whose manifests name no Namespace.
  for (const p of schemaProblems(learner.object({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }))) problems.push(p);
  expect(problems).toEqual([]);
  expect(checked).toBeGreaterThan(10);
});
