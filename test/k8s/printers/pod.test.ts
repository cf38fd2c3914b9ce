import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { podPrinter } from '../../../src/k8s/printers/pod.js';

const NOW = Date.parse('2026-12-07T20:00:00Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-7d4b9c-x2x8q', namespace: 'shop', creationTimestamp: '2026-12-07T19:55:00Z', ...meta },
    spec: { containers: [{ name: 'api' }], ...spec },
    status,
  };
}

const running = (ready: boolean, restartCount = 0, lastState?: unknown) => ({
  name: 'api',
  ready,
  started: true,
  restartCount,
  state: { running: { startedAt: '2026-12-07T19:55:02Z' } },
  ...(lastState ? { lastState } : {}),
});

describe('podPrinter columns', () => {
  it('has kube-apiserver column names, the wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(podPrinter.columns[0]!.format).toBe('name');
  });
});

describe('podPrinter cells (printPod)', () => {
  it('shows a running, ready pod with its IP and node', () => {
    const p = pod({ nodeName: 'worker' }, { phase: 'Running', podIPs: [{ ip: '10.244.1.5' }], containerStatuses: [running(true)] });
    expect(podPrinter.cells(p, NOW)).toEqual(['api-7d4b9c-x2x8q', '1/1', 'Running', '0', '5m', '10.244.1.5', 'worker', '<none>', '<none>']);
  });

  it('counts a running container that is not ready as 0/1, still Running', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [running(false)] });
    expect(podPrinter.cells(p, NOW).slice(1, 4)).toEqual(['0/1', 'Running', '0']);
  });

  it('shows a crash loop with its restarts and when the last one was', () => {
    const p = pod(
      {},
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'api',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-12-07T19:59:35Z' } },
          },
        ],
      },
    );
    expect(podPrinter.cells(p, NOW).slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '4 (25s ago)']);
  });

  it('says plain restarts when no termination time is known', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [running(true, 2)] });
    expect(podPrinter.cells(p, NOW)[3]).toBe('2');
  });

  it('shows ContainerCreating while the container waits, and Pending with no <none> IP or node', () => {
    const creating = pod(
      { nodeName: 'worker' },
      { phase: 'Pending', containerStatuses: [{ name: 'api', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
    );
    expect(podPrinter.cells(creating, NOW).slice(1, 3)).toEqual(['0/1', 'ContainerCreating']);
    const pending = pod({}, { phase: 'Pending' });
    expect(podPrinter.cells(pending, NOW)).toEqual(['api-7d4b9c-x2x8q', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('names a terminated container by its reason, its signal or its exit code', () => {
    const ended = (terminated: Record<string, unknown>) =>
      podPrinter.cells(pod({}, { phase: 'Failed', containerStatuses: [{ name: 'api', ready: false, restartCount: 0, state: { terminated } }] }), NOW)[2];
    expect(ended({ exitCode: 1, reason: 'Error' })).toBe('Error');
    expect(ended({ exitCode: 0, reason: 'Completed' })).toBe('Completed');
    expect(ended({ exitCode: 137, signal: 9 })).toBe('Signal:9');
    expect(ended({ exitCode: 3 })).toBe('ExitCode:3');
  });

  it('shows Init:N/M while init containers run, and an init container crash loop', () => {
    const spec = { initContainers: [{ name: 'wait-db' }, { name: 'migrate' }] };
    const first = { name: 'wait-db', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    const second = { name: 'migrate', ready: false, restartCount: 0, state: { running: {} } };
    const p = pod(spec, {
      phase: 'Pending',
      initContainerStatuses: [first, second],
      containerStatuses: [{ name: 'api', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(podPrinter.cells(p, NOW)[2]).toBe('Init:1/2');
    const looping = { ...second, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } };
    const q = pod(spec, { phase: 'Pending', initContainerStatuses: [first, looping] });
    expect(podPrinter.cells(q, NOW).slice(2, 4)).toEqual(['Init:CrashLoopBackOff', '3']);
  });

  it('counts a started sidecar (restartable init container) in READY', () => {
    const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
    const p = pod(spec, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running(true)],
    });
    expect(podPrinter.cells(p, NOW).slice(1, 4)).toEqual(['2/2', 'Running', '1']);
  });

  it('shows Terminating for a pod being deleted', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [running(true)] }, { deletionTimestamp: '2026-12-07T19:59:50Z' });
    expect(podPrinter.cells(p, NOW)[2]).toBe('Terminating');
  });

  it('shows the pod reason (Evicted) over its phase', () => {
    expect(podPrinter.cells(pod({}, { phase: 'Failed', reason: 'Evicted' }), NOW)[2]).toBe('Evicted');
  });

  it('counts passing readiness gates', () => {
    const p = pod({ readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] }, { phase: 'Running', conditions: [{ type: 'a', status: 'True' }] });
    expect(podPrinter.cells(p, NOW)[8]).toBe('1/2');
  });

  it('marks a finished pod row Completed', () => {
    expect(podPrinter.conditions!(pod({}, { phase: 'Succeeded' }))).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(podPrinter.conditions!(pod({}, { phase: 'Running' }))).toBeUndefined();
  });
});
