// netbreak's Kubernetes client against the lab's API server (no namespaces made): what it sends and
// reads back is the wire JSON, fields that client-node's models rename included. A NetworkPolicy
// peer's `from` (`_from` in client-node) was once dropped on the way out, so on a real cluster an
// allow rule for the frontend became an allow rule for every pod.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { KubeClient } from '../../../src/lab/kube-api/kube-client.js';
import { type MemoryApi, startMemoryApi } from '../netns/api-server/memory-api.js';

let api: MemoryApi;
let client: KubeClient;
const ref = { kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-frontend' };
const ingressOf = (obj: KubeObject | undefined) => (obj?.spec as { ingress?: unknown[] } | undefined)?.ingress;

beforeAll(async () => {
  api = await startMemoryApi('nb-kube-client-wire');
  client = KubeClient.fromFile(api.kubeconfig, 'netbreak-apitest');
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
});
afterAll(() => api.close());

it("server-side apply, get and list keep a NetworkPolicy rule's from", async () => {
  const rule = { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 'http' }] };
  const applied = await client.apply({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [rule] },
  });
  expect(ingressOf(applied)).toEqual([rule]);
  // What the lab stores is what the server received.
  expect(ingressOf(api.lab.store.get(ref))).toEqual([rule]);
  expect(ingressOf(await client.get(ref))).toEqual([rule]);
  expect((await client.list('NetworkPolicy', 'shop')).map(ingressOf)).toEqual([[rule]]);
});

it('a merge patch sends from too, and timestamps come back as the strings the server wrote', async () => {
  const rule = { from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }] };
  const patched = await client.mergePatch(ref, { spec: { ingress: [rule] } });
  expect(ingressOf(patched)).toEqual([rule]);
  expect(ingressOf(api.lab.store.get(ref))).toEqual([rule]);
  expect(patched.metadata.creationTimestamp).toBe(api.lab.store.get(ref)!.metadata.creationTimestamp);
});
