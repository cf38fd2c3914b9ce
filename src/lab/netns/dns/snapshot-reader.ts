// Reads the lab's store file for the DNS server. The file is replaced atomically
// by the lab supervisor, so a changed inode, size or mtime means a new snapshot;
// otherwise the parsed one is reused and a query costs one stat().
import fs from 'node:fs/promises';
import type { StoreSnapshot } from '../store-snapshot.js';

export class SnapshotReader {
  private last: { stamp: string; snapshot: StoreSnapshot } | undefined;
  private inflight: Promise<StoreSnapshot | undefined> | undefined;
  private reportedMissing = false;

  constructor(
    readonly path: string,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  /** True once a snapshot has been read: CoreDNS's "synced with the API server". */
  get synced(): boolean {
    return this.last !== undefined;
  }

  /** The current snapshot; the last good one when the file is unreadable for a moment. */
  read(): Promise<StoreSnapshot | undefined> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<StoreSnapshot | undefined> {
    let stamp: string;
    try {
      const st = await fs.stat(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (error) {
      if (!this.reportedMissing) {
        this.reportedMissing = true;
        this.onError(`plugin/kubernetes: cannot read the object store ${this.path}: ${(error as Error).message}`);
      }
      return this.last?.snapshot;
    }
    if (this.last?.stamp === stamp) return this.last.snapshot;
    try {
      const snapshot = JSON.parse(await fs.readFile(this.path, 'utf8')) as StoreSnapshot;
      if (!snapshot || !Array.isArray(snapshot.objects)) throw new Error('not a store snapshot');
      this.last = { stamp, snapshot };
      this.reportedMissing = false;
      return snapshot;
    } catch (error) {
      this.onError(`plugin/kubernetes: cannot parse the object store ${this.path}: ${(error as Error).message}`);
      return this.last?.snapshot;
    }
  }
}
