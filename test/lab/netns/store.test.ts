import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../src/lab/netns/store.js';
import type { KubeObject } from '../../../src/k8s/objects.js';
import type { StoreSnapshot } from '../../../src/lab/netns/store-snapshot.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-store-'));
  file = path.join(dir, 'store.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function cm(name: string, data: Record<string, string>, namespace = 'shop'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}
function svc(selector: Record<string, string>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop', ...(labels ? { labels } : {}) }, spec: { selector } };
}

describe('ObjectStore', () => {
  it('gives a new object a uid, a creation time, generation 1 and a resourceVersion', () => {
    const store = new ObjectStore(file);
    const stored = store.put(svc({ app: 'api' }));
    expect(stored.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(stored.metadata.creationTimestamp!)).not.toBeNaN();
    expect(stored.metadata.generation).toBe(1);
    expect(stored.metadata.resourceVersion).toBe(String(store.resourceVersion));
  });

  it('keeps uid and creationTimestamp when an object is replaced, even by one that carries others', async () => {
    const store = new ObjectStore(file);
    const first = store.put(svc({ app: 'api' }));
    await new Promise((r) => setTimeout(r, 5));
    const replacement = svc({ app: 'api-v2' });
    replacement.metadata.uid = 'someone-elses-uid';
    replacement.metadata.creationTimestamp = '2001-01-01T00:00:00Z';
    const second = store.put(replacement);
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(second.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp);
    expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
  });

  it('bumps generation only when the spec changes', () => {
    const store = new ObjectStore(file);
    store.put(svc({ app: 'api' }));
    expect(store.put(svc({ app: 'api' }, { team: 'shop' })).metadata.generation).toBe(1);
    expect(store.put({ ...svc({ app: 'api' }), status: { loadBalancer: {} } }).metadata.generation).toBe(1);
    expect(store.put(svc({ app: 'api-v2' })).metadata.generation).toBe(2);
    expect(store.put(svc({ app: 'api-v2' })).metadata.generation).toBe(2);
  });

  it('stores a copy: changing the object passed in or returned does not change the store', () => {
    const store = new ObjectStore(file);
    const input = cm('a', { k: 'v' });
    const stored = store.put(input);
    (input.data as any).k = 'changed';
    expect(store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'a' })!.data).toEqual({ k: 'v' });
    expect(stored).toEqual(store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'a' }));
  });

  it('lists by kind and namespace, sorted by namespace then name', () => {
    const store = new ObjectStore(file);
    store.put(cm('b', {}, 'shop'));
    store.put(cm('a', {}, 'shop'));
    store.put(cm('z', {}, 'default'));
    store.put(svc({ app: 'api' }));
    expect(store.list('ConfigMap').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['default/z', 'shop/a', 'shop/b']);
    expect(store.list('ConfigMap', 'shop').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(store.list('Pod')).toEqual([]);
  });

  it('a namespaced object given without a namespace lives in default', () => {
    const store = new ObjectStore(file);
    store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} });
    expect(store.get({ kind: 'ConfigMap', namespace: 'default', name: 'x' })).toBeDefined();
    expect(store.get({ kind: 'ConfigMap', name: 'x' })).toBeDefined();
  });

  it('cluster-scoped kinds drop a namespace and are found with or without one', () => {
    const store = new ObjectStore(file);
    store.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker', namespace: 'shop' } });
    const node = store.get({ kind: 'Node', name: 'worker' })!;
    expect(node.metadata.namespace).toBeUndefined();
    expect(store.get({ kind: 'Node', namespace: 'kube-system', name: 'worker' })).toBe(node);
    store.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker' } });
    expect(store.list('Node')).toHaveLength(1);
  });

  it('delete returns what it removed and undefined for what was not there', () => {
    const store = new ObjectStore(file);
    store.put(cm('a', { k: 'v' }));
    const version = store.resourceVersion;
    expect(store.delete({ kind: 'ConfigMap', namespace: 'shop', name: 'a' })?.data).toEqual({ k: 'v' });
    expect(store.resourceVersion).toBeGreaterThan(version);
    expect(store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'a' })).toBeUndefined();
    expect(store.delete({ kind: 'ConfigMap', namespace: 'shop', name: 'a' })).toBeUndefined();
  });

  it('persists a whole snapshot after a burst of changes and tells listeners once', async () => {
    const store = new ObjectStore(file);
    let told = 0;
    store.onChange(() => told++);
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    store.put(cm('a', { k: '1' }));
    store.put(cm('b', { k: '2' }));
    store.delete({ kind: 'ConfigMap', namespace: 'shop', name: 'b' });
    await flush();
    expect(told).toBe(1);
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as StoreSnapshot;
    expect(snapshot.resourceVersion).toBe(store.resourceVersion);
    expect(snapshot.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/a', 'Namespace/shop']);
    expect(fs.readdirSync(dir)).toEqual(['store.json']);
  });

  it('a fork is a dry run: its changes reach neither the store nor the disk', async () => {
    const store = new ObjectStore(file);
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await flush();
    const before = fs.readFileSync(file, 'utf8');
    const fork = store.fork();
    fork.put(cm('a', { k: '1' }));
    fork.delete({ kind: 'Namespace', name: 'shop' });
    await flush();
    expect(store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'a' })).toBeUndefined();
    expect(store.get({ kind: 'Namespace', name: 'shop' })).toBeDefined();
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});
