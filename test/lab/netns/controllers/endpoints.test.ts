import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileEndpoints } from '../../../../src/lab/netns/controllers/endpoints.js';
import { ObjectStore } from '../../../../src/lab/netns/store.js';
import type { KubeObject } from '../../../../src/k8s/objects.js';

let dir: string;
let store: ObjectStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-endpoints-'));
  store = new ObjectStore(path.join(dir, 'store.json'));
  for (const name of ['shop', 'other']) store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function putService(name: string, spec: Record<string, unknown>, namespace = 'shop'): KubeObject {
  return store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type: 'ClusterIP', clusterIP: '10.96.1.1', ...spec } });
}

function putPod(
  name: string,
  opts: {
    ip?: string;
    ready?: boolean;
    labels?: Record<string, string>;
    ports?: { name?: string; containerPort: number }[];
    namespace?: string;
    node?: string;
  },
): KubeObject {
  return store.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'shop', labels: opts.labels ?? { app: 'api' } },
    spec: { nodeName: opts.node ?? 'worker', containers: [{ name: 'app', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', ...(opts.ip ? { podIP: opts.ip } : {}), conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  });
}

const slicesOf = (svc: string, ns = 'shop') => store.list('EndpointSlice', ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
const endpointsOf = (svc: string, ns = 'shop') => store.get({ kind: 'Endpoints', namespace: ns, name: svc });
const sliceAddresses = (slice: KubeObject) => (slice.endpoints as any[]).map((e) => `${e.addresses[0]} ready=${e.conditions.ready}`).sort();

describe('endpoints controller', () => {
  it('lists ready and not-ready pods, each marked, and leaves out pods without an IP', () => {
    const svc = putService('api', { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });
    const ready = putPod('api-1', { ip: '10.244.1.2' });
    putPod('api-2', { ip: '10.244.2.2', ready: false, node: 'worker2' });
    putPod('api-3', {});
    expect(reconcileEndpoints(store)).toBe(true);

    const [slice, ...more] = slicesOf('api');
    expect(more).toEqual([]);
    expect(slice!.metadata.name).toMatch(/^api-[0-9a-f]{5}$/);
    expect(slice!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'api', uid: svc.metadata.uid, controller: true }]);
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
    expect(sliceAddresses(slice!)).toEqual(['10.244.1.2 ready=true', '10.244.2.2 ready=false']);
    const first = (slice!.endpoints as any[]).find((e) => e.addresses[0] === '10.244.1.2');
    expect(first).toMatchObject({ nodeName: 'worker', targetRef: { kind: 'Pod', namespace: 'shop', name: 'api-1', uid: ready.metadata.uid } });

    const subsets = endpointsOf('api')!.subsets as any[];
    expect(subsets).toHaveLength(1);
    expect(subsets[0].addresses.map((a: any) => a.ip)).toEqual(['10.244.1.2']);
    expect(subsets[0].notReadyAddresses.map((a: any) => a.ip)).toEqual(['10.244.2.2']);
    expect(subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('a pod turning ready moves from notReadyAddresses to addresses', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    const pod = putPod('api-1', { ip: '10.244.1.2', ready: false });
    reconcileEndpoints(store);
    expect((endpointsOf('api')!.subsets as any[])[0].addresses).toBeUndefined();
    store.put({ ...pod, status: { ...(pod.status as object), conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(reconcileEndpoints(store)).toBe(true);
    expect((endpointsOf('api')!.subsets as any[])[0]).toMatchObject({ addresses: [{ ip: '10.244.1.2' }] });
    expect((endpointsOf('api')!.subsets as any[])[0].notReadyAddresses).toBeUndefined();
  });

  it('resolves a named targetPort per pod: one slice per port set, a pod that does not declare it in a slice without that port', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    putPod('api-1', { ip: '10.244.1.2', ports: [{ name: 'http', containerPort: 9376 }] });
    putPod('api-2', { ip: '10.244.1.3', ports: [{ name: 'metrics', containerPort: 9090 }] });
    putPod('api-3', { ip: '10.244.1.4', ports: [{ name: 'http', containerPort: 8080 }] });
    reconcileEndpoints(store);
    const slices = slicesOf('api').map((slice) => ({ ports: slice.ports, addresses: sliceAddresses(slice) }));
    expect(slices).toHaveLength(3);
    expect(slices).toEqual(
      expect.arrayContaining([
        { ports: [{ name: 'web', protocol: 'TCP', port: 9376 }], addresses: ['10.244.1.2 ready=true'] },
        { ports: [{ name: 'web', protocol: 'TCP', port: 8080 }], addresses: ['10.244.1.4 ready=true'] },
        { ports: [], addresses: ['10.244.1.3 ready=true'] },
      ]),
    );
    // The Endpoints controller skips the pod for the port it cannot resolve: it is in no subset.
    const subsets = endpointsOf('api')!.subsets as any[];
    expect(subsets.map((s) => `${s.addresses.map((a: any) => a.ip).join()} ${s.ports[0].port}`).sort()).toEqual(['10.244.1.2 9376', '10.244.1.4 8080']);
  });

  it('a named targetPort that no pod declares: the pods are listed without ports, and Endpoints has no subsets', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ name: 'web', port: 80, targetPort: 'http-api', protocol: 'TCP' }] });
    putPod('api-1', { ip: '10.244.1.2' });
    putPod('api-2', { ip: '10.244.2.2', node: 'worker2' });
    reconcileEndpoints(store);
    const [slice, ...more] = slicesOf('api');
    expect(more).toEqual([]);
    expect(slice!.ports).toEqual([]);
    expect(sliceAddresses(slice!)).toEqual(['10.244.1.2 ready=true', '10.244.2.2 ready=true']);
    expect(endpointsOf('api')!.subsets).toEqual([]);
  });

  it('a numeric targetPort given as a string is a number', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: '8080' }] });
    putPod('api-1', { ip: '10.244.1.2' });
    reconcileEndpoints(store);
    expect(slicesOf('api')[0]!.ports).toEqual([{ name: '', protocol: 'TCP', port: 8080 }]);
  });

  it('selects only pods of the Service namespace whose labels all match', () => {
    putService('api', { selector: { app: 'api', tier: 'backend' }, ports: [{ port: 80, targetPort: 8080 }] });
    putPod('api-1', { ip: '10.244.1.2', labels: { app: 'api', tier: 'backend', extra: 'x' } });
    putPod('api-2', { ip: '10.244.1.3', labels: { app: 'api' } });
    putPod('api-3', { ip: '10.244.1.4', labels: { app: 'api', tier: 'backend' }, namespace: 'other' });
    reconcileEndpoints(store);
    expect(sliceAddresses(slicesOf('api')[0]!)).toEqual(['10.244.1.2 ready=true']);
  });

  it('a selector that matches nothing gives an empty slice and Endpoints with no subsets', () => {
    putService('api', { selector: { app: 'api-v2' }, ports: [{ port: 80, targetPort: 8080 }] });
    putPod('api-1', { ip: '10.244.1.2' });
    reconcileEndpoints(store);
    const slices = slicesOf('api');
    expect(slices).toHaveLength(1);
    expect(slices[0]!.endpoints).toEqual([]);
    expect(endpointsOf('api')).toBeDefined();
    expect(endpointsOf('api')!.subsets).toEqual([]);
  });

  it('a Service without a selector gets no slice and no Endpoints from the controller, and keeps Endpoints written by hand', () => {
    putService('external', { ports: [{ port: 5432 }] });
    putPod('api-1', { ip: '10.244.1.2' });
    store.put({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'external', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432 }] }],
    });
    reconcileEndpoints(store);
    expect(slicesOf('external')).toEqual([]);
    expect(endpointsOf('external')?.subsets).toEqual([{ addresses: [{ ip: '192.168.1.10' }], ports: [{ port: 5432 }] }]);
  });

  it('an ExternalName Service gets no slice', () => {
    putService('ext', { type: 'ExternalName', externalName: 'example.com', selector: { app: 'api' } });
    putPod('api-1', { ip: '10.244.1.2' });
    reconcileEndpoints(store);
    expect(slicesOf('ext')).toEqual([]);
  });

  it('removes the slice and Endpoints of a deleted Service, but not slices it does not manage', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    putPod('api-1', { ip: '10.244.1.2' });
    store.put({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'manual', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'manual' } },
      addressType: 'IPv4',
      endpoints: [],
    });
    reconcileEndpoints(store);
    store.delete({ kind: 'Service', namespace: 'shop', name: 'api' });
    expect(reconcileEndpoints(store)).toBe(true);
    expect(slicesOf('api')).toEqual([]);
    expect(endpointsOf('api')).toBeUndefined();
    expect(store.get({ kind: 'EndpointSlice', namespace: 'shop', name: 'manual' })).toBeDefined();
  });

  it('a re-created Service gets a new slice and the old one is removed', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    putPod('api-1', { ip: '10.244.1.2' });
    reconcileEndpoints(store);
    const old = slicesOf('api')[0]!.metadata.name;
    store.delete({ kind: 'Service', namespace: 'shop', name: 'api' });
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    reconcileEndpoints(store);
    const slices = slicesOf('api');
    expect(slices).toHaveLength(1);
    expect(slices[0]!.metadata.name).not.toBe(old);
  });

  it('a second pass with nothing new changes nothing', () => {
    putService('api', { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] });
    putPod('api-1', { ip: '10.244.1.2' });
    reconcileEndpoints(store);
    const version = store.resourceVersion;
    expect(reconcileEndpoints(store)).toBe(false);
    expect(store.resourceVersion).toBe(version);
  });
});
