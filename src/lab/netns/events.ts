// The lab's event recorder: what the controllers, the scheduler and the kubelet
// report happens to an object becomes a core/v1 Event in the store, where
// `kubectl describe` and `kubectl get events` find it.
import { correlate, type CoreEvent, type EventOccurrence, type InvolvedObject } from '../../k8s/events/correlate.js';
import type { KubeObject } from '../../k8s/objects.js';
import type { ObjectStore } from './store.js';

export type { EventOccurrence };

/** Stores one occurrence: a new Event, or one more of an Event already there; old Events past their time go. */
export function recordEvent(store: ObjectStore, occurrence: EventOccurrence, nowMs = Date.now()): void {
  const { event, expired } = correlate(store.list('Event') as CoreEvent[], occurrence, nowMs);
  for (const old of expired) store.delete({ kind: 'Event', namespace: old.metadata.namespace, name: old.metadata.name });
  store.put(event);
}

/** The reference an Event keeps to `obj` (and to one of its containers with `fieldPath`). */
export function involvedObjectOf(obj: KubeObject, fieldPath?: string): InvolvedObject {
  const { name, namespace, uid, resourceVersion } = obj.metadata;
  return {
    kind: obj.kind,
    apiVersion: obj.apiVersion,
    name,
    ...(namespace ? { namespace } : {}),
    ...(uid ? { uid } : {}),
    ...(resourceVersion ? { resourceVersion } : {}),
    ...(fieldPath ? { fieldPath } : {}),
  };
}

/** `spec.containers{api}`: how kubelet's events name a container of a pod. */
export function containerFieldPath(container: string): string {
  return `spec.containers{${container}}`;
}
