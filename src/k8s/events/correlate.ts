// How an event recorder turns one occurrence into a core/v1 Event, as client-go's
// EventCorrelator does: the same thing happening again bumps count and
// lastTimestamp of one Event; more than ten different messages of one reason for
// one object within ten minutes fold into a "(combined from similar events)" Event;
// and, as kube-apiserver's --event-ttl and a quota would, old Events go and the
// number kept is capped, so a flapping probe cannot fill the lab's store.
import type { KubeObject, ObjectMeta } from '../objects.js';

export interface InvolvedObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** The part of the object, e.g. `spec.containers{api}` for a container's events. */
  fieldPath?: string;
}

export interface EventSource {
  /** kubelet, default-scheduler, deployment-controller, replicaset-controller … */
  component: string;
  /** The node, for a kubelet's events. */
  host?: string;
}

export interface EventOccurrence {
  involvedObject: InvolvedObject;
  source: EventSource;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface CoreEvent extends KubeObject {
  involvedObject: InvolvedObject;
  source: EventSource;
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventLimits {
  /** kube-apiserver's --event-ttl (1 h by default): older Events are deleted. */
  ttlMs: number;
  /** The most Events a lab keeps: the oldest go first. */
  maxEvents: number;
  /** client-go's aggregator: this many different messages of one reason for one object … */
  similarMessages: number;
  /** … within this interval fold into one combined Event. */
  similarWindowMs: number;
}

export const EVENT_LIMITS: EventLimits = { ttlMs: 60 * 60 * 1000, maxEvents: 1000, similarMessages: 10, similarWindowMs: 10 * 60 * 1000 };

export const COMBINED_PREFIX = '(combined from similar events): ';

/** A metav1.Time: RFC 3339 in whole seconds. */
export function kubeTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Everything but the message: events of one reason about one object from one source. */
function aggregateKey(e: { involvedObject: InvolvedObject; source: EventSource; type: string; reason: string }): string {
  const o = e.involvedObject;
  return JSON.stringify([e.source.component, e.source.host ?? '', o.kind, o.namespace ?? '', o.name, o.uid ?? '', o.apiVersion, e.type, e.reason]);
}

/** The aggregate key plus the part of the object and the message: the same thing happening again. */
function eventKey(e: { involvedObject: InvolvedObject; source: EventSource; type: string; reason: string; message: string }): string {
  return `${aggregateKey(e)}|${e.involvedObject.fieldPath ?? ''}|${e.message}`;
}

function lastSeen(e: CoreEvent): number {
  return Date.parse(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** `<object>.<hex nanoseconds>`, as client-go names Events; unique among `taken`. */
function eventName(objectName: string, nowMs: number, taken: Set<string>): string {
  let nanos = BigInt(nowMs) * 1_000_000n;
  while (taken.has(`${objectName}.${nanos.toString(16)}`)) nanos++;
  return `${objectName}.${nanos.toString(16)}`;
}

export interface Correlated {
  /** The Event to store: a new one, or an existing one seen again. */
  event: CoreEvent;
  /** Events to delete: past their time to live, or the oldest beyond the cap. */
  expired: CoreEvent[];
}

/** What storing `occurrence` at `nowMs` means for a store holding the Events `existing`. */
export function correlate(existing: CoreEvent[], occurrence: EventOccurrence, nowMs: number, limits: EventLimits = EVENT_LIMITS): Correlated {
  const live: CoreEvent[] = [];
  const expired: CoreEvent[] = [];
  for (const e of existing) (nowMs - lastSeen(e) <= limits.ttlMs ? live : expired).push(e);

  let message = occurrence.message;
  let key = eventKey(occurrence);
  const group = aggregateKey(occurrence);
  const recentMessages = new Set(
    live.filter((e) => !e.message.startsWith(COMBINED_PREFIX) && aggregateKey(e) === group && nowMs - lastSeen(e) <= limits.similarWindowMs).map(eventKey),
  );
  recentMessages.add(key);
  const combined = recentMessages.size >= limits.similarMessages;
  if (combined) {
    message = `${COMBINED_PREFIX}${occurrence.message}`;
    key = group;
  }
  const same = live.find((e) => (combined ? e.message.startsWith(COMBINED_PREFIX) && aggregateKey(e) === group : eventKey(e) === key));
  const now = kubeTime(nowMs);
  let event: CoreEvent;
  if (same) {
    event = { ...same, message, count: (same.count ?? 1) + 1, lastTimestamp: now };
  } else {
    const o = occurrence.involvedObject;
    const metadata: ObjectMeta = { name: eventName(o.name, nowMs, new Set(existing.map((e) => e.metadata.name))), namespace: o.namespace ?? 'default' };
    event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject: o,
      reason: occurrence.reason,
      message,
      source: occurrence.source,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: occurrence.type,
      eventTime: null,
      reportingComponent: occurrence.source.component,
      reportingInstance: occurrence.source.host ?? '',
    };
  }
  // Room for the new Event: the oldest others go.
  const others = live.filter((e) => e !== same).sort((a, b) => lastSeen(a) - lastSeen(b));
  const over = others.length + 1 - limits.maxEvents;
  if (over > 0) expired.push(...others.slice(0, over));
  return { event, expired };
}
