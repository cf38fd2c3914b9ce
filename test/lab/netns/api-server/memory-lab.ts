// A lab's control surface without the lab: the real store and the real admission on
// the default topology, seeded as the supervisor seeds it, so the API server can be
// driven (by kubectl, by client-node) in a test that makes no namespace.
import type { KubeObject, ObjectRef } from '../../../../src/k8s/objects.js';
import { admit } from '../../../../src/lab/netns/admission.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { ObjectStore } from '../../../../src/lab/netns/store.js';
import { nodeObjects, systemObjects } from '../../../../src/lab/netns/system-objects.js';
import { buildTopology } from '../../../../src/lab/netns/topology.js';

export function memoryLab(name = 'apitest'): LabControl {
  const topology = buildTopology(['control-plane', 'worker', 'worker']);
  const store = new ObjectStore();
  for (const obj of [...nodeObjects(topology), ...systemObjects(topology)]) store.put(admit(store, topology, obj));
  const applyTo = (target: ObjectStore, objects: KubeObject[]) => objects.map((o) => target.put(admit(target, topology, o)));
  return {
    lab: name,
    store,
    apply(objects, options = {}) {
      const tried = applyTo(store.fork(), objects);
      return options.dryRun ? tried : applyTo(store, objects);
    },
    delete(ref: ObjectRef) {
      return store.delete(ref) !== undefined;
    },
  };
}
