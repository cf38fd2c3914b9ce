// The lab's object store: the embedded API server's etcd. The supervisor owns it
// (single writer) and persists every change atomically to store.json, so other
// processes (the CLI after a crash, the DNS server) read whole snapshots.
import { randomUUID } from 'node:crypto';
import { isClusterScoped } from '../../k8s/kinds.js';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import type { StoreSnapshot } from './store-snapshot.js';
import { writeFileAtomically } from '../../atomic-write.js';

/** One change, as a watch reports it: the object after it (for DELETED, as it was, with the deletion's resourceVersion). */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before a MODIFIED: a watch with a selector turns a change out of (or into) it into DELETED (ADDED). */
  previous?: KubeObject;
}

function key(ref: ObjectRef): string {
  return `${ref.kind}/${isClusterScoped(ref.kind) ? '' : (ref.namespace ?? 'default')}/${ref.name}`;
}

export class ObjectStore {
  private objects = new Map<string, KubeObject>();
  private version = 0;
  private listeners: (() => void)[] = [];
  private eventListeners: ((event: StoreEvent) => void)[] = [];

  /** `file` is where snapshots go; a store without one (a dry run) keeps everything in memory. */
  constructor(private readonly file?: string) {}

  /** An in-memory copy for a dry run: changes to it never reach this store or the disk. */
  fork(): ObjectStore {
    const copy = new ObjectStore();
    copy.objects = new Map([...this.objects].map(([k, v]) => [k, structuredClone(v)]));
    copy.version = this.version;
    return copy;
  }

  get resourceVersion(): number {
    return this.version;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Every change, one by one and synchronously, in resourceVersion order: what the API server's watches stream. */
  onEvent(listener: (event: StoreEvent) => void): void {
    this.eventListeners.push(listener);
  }

  get<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    return this.objects.get(key(ref)) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.objects.values()) {
      if (obj.kind === kind && (namespace === undefined || obj.metadata.namespace === namespace)) out.push(obj as T);
    }
    return out.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  }

  /** Stores an object, keeping uid and creationTimestamp of the one it replaces; bumps generation when spec changed. */
  put<T extends KubeObject>(obj: T): T {
    const existing = this.objects.get(keyOf(obj));
    const stored = structuredClone(obj);
    if (isClusterScoped(stored.kind)) delete stored.metadata.namespace;
    const meta = stored.metadata;
    meta.uid = existing?.metadata.uid ?? meta.uid ?? randomUUID();
    meta.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString();
    const specChanged = JSON.stringify(existing?.spec) !== JSON.stringify(stored.spec);
    meta.generation = (existing?.metadata.generation ?? 0) + (existing && !specChanged ? 0 : 1);
    meta.resourceVersion = String(++this.version);
    this.objects.set(keyOf(stored), stored);
    this.emit(existing ? { type: 'MODIFIED', object: stored, previous: existing } : { type: 'ADDED', object: stored });
    this.changed();
    return stored;
  }

  delete(ref: ObjectRef): KubeObject | undefined {
    const k = key(ref);
    const existing = this.objects.get(k);
    if (!existing) return undefined;
    this.objects.delete(k);
    this.version++;
    if (this.eventListeners.length) {
      // The object has left the map: a shallow copy with the deletion's resourceVersion is enough.
      const last = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(this.version) } };
      this.emit({ type: 'DELETED', object: last });
    }
    this.changed();
    return existing;
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.version, objects: [...this.objects.values()] };
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private pendingWrite = false;

  private changed(): void {
    // Batch the writes of one synchronous burst of changes into one file write.
    if (!this.pendingWrite) {
      this.pendingWrite = true;
      queueMicrotask(() => {
        this.pendingWrite = false;
        this.persist();
        for (const listener of this.listeners) listener();
      });
    }
  }

  persist(): void {
    if (!this.file) return;
    writeFileAtomically(this.file, JSON.stringify(this.snapshot()));
  }
}

function keyOf(obj: KubeObject): string {
  return key({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
}
