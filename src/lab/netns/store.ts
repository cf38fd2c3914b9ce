// The lab's object store: the embedded API server's etcd. The supervisor owns it
// (single writer) and persists every change atomically to store.json, so other
// processes (the CLI after a crash, the DNS server) read whole snapshots.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type KubeObject, type ObjectRef, type StoreSnapshot } from '../objects.js';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

function key(ref: ObjectRef): string {
  return `${ref.kind}/${isClusterScoped(ref.kind) ? '' : (ref.namespace ?? 'default')}/${ref.name}`;
}

export class ObjectStore {
  private objects = new Map<string, KubeObject>();
  private version = 0;
  private listeners: (() => void)[] = [];

  constructor(private readonly file: string) {}

  /** Loads store.json if it exists (the supervisor restarting on a running lab). */
  load(): void {
    if (!fs.existsSync(this.file)) return;
    const snapshot = JSON.parse(fs.readFileSync(this.file, 'utf8')) as StoreSnapshot;
    this.version = snapshot.resourceVersion;
    for (const obj of snapshot.objects) this.objects.set(keyOf(obj), obj);
  }

  get resourceVersion(): number {
    return this.version;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  get<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    return this.objects.get(key(ref)) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.objects.values()) {
      if (obj.kind === kind && (namespace === undefined || obj.metadata.namespace === namespace)) out.push(obj as T);
    }
    return out.sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") || a.metadata.name.localeCompare(b.metadata.name));
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
    this.changed();
    return stored;
  }

  delete(ref: ObjectRef): KubeObject | undefined {
    const k = key(ref);
    const existing = this.objects.get(k);
    if (!existing) return undefined;
    this.objects.delete(k);
    this.version++;
    this.changed();
    return existing;
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.version, objects: [...this.objects.values()] };
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
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.snapshot()));
    fs.renameSync(tmp, this.file);
  }
}

function keyOf(obj: KubeObject): string {
  return key({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
}
