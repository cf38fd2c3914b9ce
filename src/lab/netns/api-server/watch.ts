// Watches (?watch=1): a stream of ADDED/MODIFIED/DELETED events, one JSON object a line,
// as kube-apiserver sends them. The hub keeps the recent history of the store's changes,
// so a watch that starts from a list's resourceVersion misses nothing that happened since,
// and one that asks for a version older than the history gets 410 Expired, as from etcd.
import { badRequest, expired } from '../../../k8s/api-status.js';
import type { ApiResource } from '../../../k8s/api-resources.js';
import type { KubeObject } from '../../../k8s/objects.js';
import type { Matcher } from '../../../k8s/selectors.js';
import type { ObjectStore, StoreEvent } from '../store.js';
import type { ApiContext } from './context.js';
import { served, watchEncoder } from './representation.js';

/** Changes remembered for watches that resume from a resourceVersion (a lab makes a few thousand an hour). */
const HISTORY = 5000;
/** How often a watch that allows bookmarks hears the current resourceVersion (kube-apiserver: about a minute). */
const BOOKMARK_MS = 30_000;
/** kube-apiserver ends a watch after its min-request-timeout (1800 s) unless the client asks for less. */
const DEFAULT_TIMEOUT_S = 1800;

interface Recorded extends StoreEvent {
  rv: number;
}

export class WatchHub {
  private readonly history: Recorded[] = [];
  private readonly subscribers = new Set<(event: Recorded) => void>();
  /** The resourceVersion before the oldest remembered change: a watch from here or later misses nothing. */
  private horizon: number;

  constructor(store: ObjectStore) {
    this.horizon = store.resourceVersion;
    store.onEvent((event) => {
      const recorded = { ...event, rv: Number(event.object.metadata.resourceVersion) };
      this.history.push(recorded);
      if (this.history.length > HISTORY) this.horizon = this.history.shift()!.rv;
      for (const subscriber of this.subscribers) subscriber(recorded);
    });
  }

  since(rv: number): Recorded[] | undefined {
    if (rv < this.horizon) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  get oldest(): number {
    return this.horizon;
  }

  subscribe(subscriber: (event: Recorded) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
}

const hubs = new WeakMap<ObjectStore, WatchHub>();

export function hubOf(store: ObjectStore): WatchHub {
  let hub = hubs.get(store);
  if (!hub) hubs.set(store, (hub = new WatchHub(store)));
  return hub;
}

export interface WatchScope {
  resource: ApiResource;
  namespace?: string;
  matches: Matcher;
}

/** The event a selector-filtered watch sees: a change that takes an object out of the selection is its DELETED. */
function visible(event: StoreEvent, scope: WatchScope): StoreEvent | undefined {
  const { object, previous } = event;
  if (object.kind !== scope.resource.kind) return undefined;
  if (scope.namespace !== undefined && object.metadata.namespace !== scope.namespace) return undefined;
  const now = scope.matches(object);
  if (event.type !== 'MODIFIED') return now ? event : undefined;
  const before = previous !== undefined && scope.matches(previous);
  if (now) return before ? event : { type: 'ADDED', object };
  return before ? { type: 'DELETED', object } : undefined;
}

export function serveWatch(ctx: ApiContext, scope: WatchScope, initial: () => KubeObject[]): void {
  const store = ctx.lab.store;
  const hub = hubOf(store);
  const q = ctx.query;
  const rvParam = q.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a whole number`);
  const timeoutS = Number(q.get('timeoutSeconds') ?? DEFAULT_TIMEOUT_S) || DEFAULT_TIMEOUT_S;
  const sendInitial = q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const encode = watchEncoder(ctx, scope.resource);

  const res = ctx.res;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', {
      ...served(scope.resource, { apiVersion: '', kind: '', metadata: { name: '' } }),
      metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
    });

  // Everything from here to subscribe() is synchronous: no change can fall between the start and the stream.
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const obj of initial()) write('ADDED', encode(obj));
    if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const missed = hub.since(Number(rvParam));
    if (!missed) {
      write('ERROR', expired(rvParam, hub.oldest).toStatus());
      res.end();
      return;
    }
    for (const event of missed) {
      const shown = visible(event, scope);
      if (shown) write(shown.type, encode(shown.object));
    }
  }
  const unsubscribe = hub.subscribe((event) => {
    const shown = visible(event, scope);
    if (shown) write(shown.type, encode(shown.object));
  });
  const ticker = bookmarks ? setInterval(() => bookmark(), BOOKMARK_MS) : undefined;
  const end = () => {
    unsubscribe();
    clearInterval(ticker);
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(end, timeoutS * 1000);
  ctx.req.on('close', end);
  res.on('close', end);
}
