// What the embedded lab's supervisor persists and other processes read.
import type { KubeObject } from '../../k8s/objects.js';

/**
 * The on-disk form of a lab's object store (`<lab state dir>/store.json`). The
 * lab supervisor is its only writer and replaces the file atomically (write to a
 * temporary file, then rename), so readers such as the DNS server always see a
 * whole snapshot. `resourceVersion` grows by one on every change.
 */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: KubeObject[];
}
