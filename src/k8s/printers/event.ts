// `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT and MESSAGE, with subobject, source, first seen, count and name
// after the bar, computed as kube-apiserver's printEvent does for core/v1 Events (a series counts as its count).
import { timestampSince } from './human-duration.js';
import { column, NAME_COLUMN, type Printer, wideColumn } from './table.js';

interface EventShape {
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

/** `kubelet, worker`: the component and the host (or the reporting controller and instance of a new-style event). */
export function eventSource(event: EventShape): string {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

/** `pod/api-7d4b9-x2x8q`: the involved object's kind in lower case and its name. */
export function eventObject(event: EventShape): string {
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  return event.involvedObject?.name ? `${kind}/${event.involvedObject.name}` : kind;
}

export const eventPrinter: Printer = {
  kind: 'Event',
  columns: [
    column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    column('Reason', "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    column('Object', 'The object that this event is about.'),
    wideColumn(
      'Subobject',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
    ),
    wideColumn('Source', 'The component reporting this event. Should be a short machine understandable string.'),
    column('Message', 'A human-readable description of the status of this operation.'),
    wideColumn('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    wideColumn('Count', 'The number of times this event has occurred.'),
    { ...NAME_COLUMN, priority: 1 },
  ],
  cells(obj, nowMs) {
    const event = obj as unknown as EventShape;
    const first = event.firstTimestamp ? timestampSince(event.firstTimestamp, nowMs) : timestampSince(event.eventTime, nowMs);
    let last = event.lastTimestamp ? timestampSince(event.lastTimestamp, nowMs) : first;
    let count = event.count ?? 0;
    if (event.series) {
      last = timestampSince(event.series.lastObservedTime, nowMs);
      count = event.series.count ?? 0;
    } else if (count === 0) {
      count = 1; // a singleton event of the new API carries no count
    }
    return [
      last,
      event.type ?? '',
      event.reason ?? '',
      eventObject(event),
      event.involvedObject?.fieldPath ?? '',
      eventSource(event),
      (event.message ?? '').trim(),
      first,
      count,
      obj.metadata.name,
    ];
  },
};
