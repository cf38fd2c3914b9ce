// pods/log: the container's log as kubelet serves it. A lab pod's container is
// its agent (agnhost netexec or the cluster DNS server), whose output the lab's
// kubelet keeps in CRI format (pod-runtime.ts): requests served, probes answered,
// CoreDNS's start-up and errors. `follow` keeps the response open and sends lines
// as they are written, until the client leaves or the pod is gone.
import fs from 'node:fs';
import type http from 'node:http';
import { type LogOptions, logOptions, parseRecord, type LogRecord, renderRecord, selectRecords } from '../../../k8s/logs/cri-log.js';
import { ApiError, badRequest } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import { podLogFile } from '../names.js';

/** How often a follower looks for new lines and whether its pod still exists. */
const FOLLOW_POLL_MS = 200;

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string } };
}

/** The request's options, or the Status kube-apiserver answers a bad request for this pod with. */
export function logRequest(pod: KubeObject, query: URLSearchParams): { options: LogOptions; container: string } | { refusal: ApiError } {
  const options = logOptions(query);
  if ('error' in options) return { refusal: new ApiError(422, 'Invalid', `PodLogOptions "${pod.metadata.name}" is invalid: ${options.error}`) };
  const names = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  const container = options.container ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) {
    return { refusal: badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`) };
  }
  if (!names.includes(container)) return { refusal: badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`) };
  const status = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []).find((s) => s.name === container);
  const waiting = status?.state?.waiting?.reason;
  if (waiting === 'ContainerCreating' || !status) {
    return { refusal: badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`) };
  }
  if (options.previous && !status.restartCount) {
    return { refusal: badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`) };
  }
  return { options, container };
}

function readRecords(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map(parseRecord)
    .filter((r): r is LogRecord => r !== undefined);
}

/**
 * Calls `onRecords` with the records appended to `file` past `offset`, whole lines only,
 * until `gone` says to stop or the returned function is called.
 */
export function followRecords(file: string, offset: number, onRecords: (records: LogRecord[]) => void, gone: () => boolean): () => void {
  let read = offset;
  const poll = setInterval(() => {
    if (gone()) {
      clearInterval(poll);
      return;
    }
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const size = fs.fstatSync(fd).size;
      if (size <= read) return;
      const fresh = Buffer.alloc(size - read);
      fs.readSync(fd, fresh, 0, fresh.length, read);
      const whole = fresh.subarray(0, fresh.lastIndexOf(0x0a) + 1);
      read += whole.length;
      const records = readRecords(whole.toString('utf8'));
      if (records.length) onRecords(records);
    } catch {
      // The file is not there yet: nothing new.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }, FOLLOW_POLL_MS);
  return () => clearInterval(poll);
}

/** The size of `file`, 0 when it does not exist yet. */
export function logSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Writes the selected log to `res`; with follow, keeps writing until the client leaves or `podGone` says so. */
export function serveLog(lab: string, pod: KubeObject, options: LogOptions, res: http.ServerResponse, podGone: () => boolean): void {
  const file = podLogFile(lab, pod.metadata.namespace ?? 'default', pod.metadata.name);
  let budget = options.limitBytes ?? Number.POSITIVE_INFINITY;
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
  /** Writes within --limit-bytes; false once the limit is reached (the response then ends). */
  const write = (text: string): boolean => {
    const bytes = Buffer.from(text);
    if (bytes.length >= budget) {
      res.end(bytes.subarray(0, budget));
      return false;
    }
    budget -= bytes.length;
    if (bytes.length) res.write(bytes);
    return true;
  };
  let content = '';
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    // No log yet: a container that has written nothing.
  }
  // Only whole lines: a line being written is read on the next poll.
  const offset = Buffer.byteLength(content.slice(0, content.lastIndexOf('\n') + 1));
  const text = selectRecords(readRecords(content.slice(0, content.lastIndexOf('\n') + 1)), options)
    .map((r) => renderRecord(r, options.timestamps))
    .join('');
  if (!write(text)) return;
  if (!options.follow) {
    res.end();
    return;
  }
  const stop = followRecords(
    file,
    offset,
    (records) => {
      if (!write(records.map((r) => renderRecord(r, options.timestamps)).join(''))) stop();
    },
    () => {
      if (!podGone()) return false;
      res.end();
      return true;
    },
  );
  res.on('close', stop);
}
