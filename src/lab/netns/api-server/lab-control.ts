// What the API server needs of the lab: its store to read and watch, and the
// supervisor's own write path (admission, then the store, then a reconcile), so a
// change made with kubectl is graded and guarded exactly like one made with netbreak.
import type { KubeObject, ObjectRef } from '../../../k8s/objects.js';
import type { ObjectStore } from '../store.js';

export interface LabControl {
  readonly lab: string;
  readonly store: ObjectStore;
  /** Admits and stores the objects, all or none; with dryRun, only admits them (on a copy of the store). */
  apply(objects: KubeObject[], options?: { dryRun?: boolean }): KubeObject[];
  delete(ref: ObjectRef): boolean;
}
