import { describe, expect, it } from 'vitest';
import type { ProbeRequest, ProbeResult } from '../../src/lab/lab.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import {
  compareTables,
  describeDiffs,
  expectAllEgress,
  expectAllIngress,
  expectCell,
  expectPeer,
  foldResults,
  getCell,
  matrixJson,
  matrixPods,
  matrixProbes,
  nameCandidates,
  newTruthTable,
  podDisplayNames,
  renderTruthTable,
  runMatrix,
  type MatrixPod,
} from '../../src/grading/matrix.js';

function pod(
  namespace: string,
  name: string,
  extra: { labels?: Record<string, string>; owner?: { kind: string; name: string }; ip?: string; hostNetwork?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: extra.labels,
      ...(extra.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner.kind, name: extra.owner.name, uid: `uid-${extra.owner.name}`, controller: true }] }
        : {}),
    },
    spec: { containers: [], ...(extra.hostNetwork ? { hostNetwork: true } : {}) },
    status: extra.ip === undefined ? { podIP: '10.244.1.2' } : extra.ip ? { podIP: extra.ip } : {},
  };
}

const XYZ = ['x/a', 'x/b', 'x/c', 'y/a', 'y/b', 'y/c', 'z/a', 'z/b', 'z/c'];

describe('pod names in a matrix', () => {
  it('prefers the pod label, as upstream names its model pods', () => {
    expect(nameCandidates(pod('x', 'server-1', { labels: { pod: 'a' } }))).toEqual(['a', 'server-1']);
  });

  it('drops the random suffix of a Deployment pod (lab pods are owned by the Deployment)', () => {
    const p = pod('shop', 'api-8bsxnp6gv6-x2k4p', { owner: { kind: 'Deployment', name: 'api' } });
    expect(nameCandidates(p)).toEqual(['api', 'api-x2k4p', 'api-8bsxnp6gv6-x2k4p']);
  });

  it('drops the pod-template-hash of a ReplicaSet owner (real clusters)', () => {
    const p = pod('shop', 'api-7d9f8c-x2k4p', { owner: { kind: 'ReplicaSet', name: 'api-7d9f8c' }, labels: { 'pod-template-hash': '7d9f8c' } });
    expect(nameCandidates(p)[0]).toBe('api');
  });

  it('picks the shortest form that is unique in the namespace', () => {
    const pods = [
      pod('shop', 'api-h-aaaaa', { owner: { kind: 'Deployment', name: 'api' } }),
      pod('shop', 'api-h-bbbbb', { owner: { kind: 'Deployment', name: 'api' } }),
      pod('shop', 'web-h-ccccc', { owner: { kind: 'Deployment', name: 'web' } }),
      pod('other', 'api-h-ddddd', { owner: { kind: 'Deployment', name: 'api' } }),
      pod('shop', 'debug'),
    ];
    expect([...podDisplayNames(pods).values()]).toEqual(['shop/api-aaaaa', 'shop/api-bbbbb', 'shop/web', 'other/api', 'shop/debug']);
  });

  it('never lets one pod take a name another pod goes by', () => {
    // b is labelled pod=a and a is labelled pod=b: both fall back to their own names.
    const names = podDisplayNames([pod('x', 'a', { labels: { pod: 'b' } }), pod('x', 'b', { labels: { pod: 'a' } })]);
    expect([...names.values()]).toEqual(['x/a', 'x/b']);
  });

  it('selects the namespaces asked for, in that order, leaving out host-network pods and pods without an IP', () => {
    const pods = [
      pod('z', 'a', { labels: { pod: 'a' }, ip: '10.244.2.9' }),
      pod('x', 'b', { labels: { pod: 'b' }, ip: '10.244.1.3' }),
      pod('x', 'a', { labels: { pod: 'a' }, ip: '10.244.1.2' }),
      pod('x', 'pending', { ip: '' }),
      pod('x', 'node-agent', { hostNetwork: true, ip: '172.18.0.2' }),
      pod('kube-system', 'coredns', { ip: '10.244.0.2' }),
    ];
    expect(matrixPods(pods, ['z', 'x'])).toEqual([
      { name: 'z/a', ref: 'z/a', ip: '10.244.2.9' },
      { name: 'x/a', ref: 'x/a', ip: '10.244.1.2' },
      { name: 'x/b', ref: 'x/b', ip: '10.244.1.3' },
    ]);
  });
});

describe('probes and tables', () => {
  const pods: MatrixPod[] = [
    { name: 'x/a', ref: 'x/a-h-aaaaa', ip: '10.244.1.2' },
    { name: 'x/b', ref: 'x/b-h-bbbbb', ip: '10.244.2.3' },
  ];

  it('builds every pair row-major, from the real pod to the destination IP', () => {
    expect(matrixProbes(pods, 81, 'udp', 300)).toEqual([
      { from: 'x/a-h-aaaaa', to: 'udp://10.244.1.2:81', timeoutMs: 300 },
      { from: 'x/a-h-aaaaa', to: 'udp://10.244.2.3:81', timeoutMs: 300 },
      { from: 'x/b-h-bbbbb', to: 'udp://10.244.1.2:81', timeoutMs: 300 },
      { from: 'x/b-h-bbbbb', to: 'udp://10.244.2.3:81', timeoutMs: 300 },
    ]);
  });

  it('folds row-major answers into rows of sources', () => {
    const table = foldResults(['x/a', 'x/b'], [true, false, true, true]);
    expect(getCell(table, 'x/a', 'x/b')).toBe(false);
    expect(getCell(table, 'x/b', 'x/a')).toBe(true);
    expect(() => foldResults(['x/a', 'x/b'], [true])).toThrow(/needs 4 results, got 1/);
  });

  it('renders like upstream: rows from, columns to, . reachable, X blocked', () => {
    const table = foldResults(['x/a', 'x/b'], [true, false, true, true]);
    expect(renderTruthTable(table)).toBe(['-   x/a x/b', 'x/a .   X', 'x/b .   .'].join('\n'));
  });

  it('keeps each column as wide as its heading', () => {
    const table = foldResults(['shop/api-x2k4p', 'x/a'], [true, false, false, true]);
    expect(renderTruthTable(table, 'tcp/80')).toBe(
      ['tcp/80         shop/api-x2k4p x/a', 'shop/api-x2k4p .              X', 'x/a            X              .'].join('\n'),
    );
  });
});

describe('expectations built the way upstream builds them', () => {
  it('ExpectPeer with an empty peer matches every pod', () => {
    // default-deny-ingress in x: reachability.ExpectPeer(&Peer{}, &Peer{Namespace: x}, false)
    const table = newTruthTable(XYZ, true);
    expectPeer(table, {}, { namespace: 'x' }, false);
    expect(
      renderTruthTable(table)
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/\s+/g, '')),
    ).toEqual(['x/aXXX......', 'x/bXXX......', 'x/cXXX......', 'y/aXXX......', 'y/bXXX......', 'y/cXXX......', 'z/aXXX......', 'z/bXXX......', 'z/cXXX......']);
  });

  it('ExpectAllIngress, ExpectAllEgress and Expect set columns, rows and cells, later calls winning', () => {
    const table = newTruthTable(XYZ, true);
    expectAllIngress(table, 'x/a', false);
    expectAllEgress(table, 'y/b', false);
    expectCell(table, 'x/b', 'x/a', true);
    expect(getCell(table, 'z/c', 'x/a')).toBe(false);
    expect(getCell(table, 'x/b', 'x/a')).toBe(true);
    expect(getCell(table, 'y/b', 'z/c')).toBe(false);
    expect(getCell(table, 'y/a', 'z/c')).toBe(true);
    expect(() => expectCell(table, 'q/a', 'x/a', true)).toThrow(/q\/a is not in the table/);
  });

  it('compares cell by cell, ignoring loopback unless asked', () => {
    const expected = newTruthTable(['x/a', 'x/b'], true);
    const observed = foldResults(['x/a', 'x/b'], [false, true, false, true]);
    const diffs = compareTables(expected, observed);
    expect(diffs).toEqual([{ from: 'x/b', to: 'x/a', expected: true, observed: false }]);
    expect(compareTables(expected, observed, { ignoreLoopback: false })).toHaveLength(2);
    expect(describeDiffs(diffs)).toBe('x/b -> x/a: expected reachable, observed blocked');
    expect(() => compareTables(expected, newTruthTable(['x/a'], true))).toThrow(/different pods/);
  });
});

describe('runMatrix', () => {
  const pods: MatrixPod[] = [
    { name: 'x/a', ref: 'x/a', ip: '10.244.1.2' },
    { name: 'x/b', ref: 'x/b', ip: '10.244.2.3' },
  ];
  const ok = (ms = 1): ProbeResult => ({ outcome: 'success', detail: 'connected', ms });
  const timeout: ProbeResult = { outcome: 'timeout', detail: 'no answer', ms: 300 };

  it('sends everything in one batch and retries only the failures, once, with the longer timeout', async () => {
    const batches: ProbeRequest[][] = [];
    let round = 0;
    const probeMany = async (requests: ProbeRequest[]) => {
      batches.push(requests);
      round++;
      return requests.map((r) => {
        // x/b -> x/a is blocked; x/a -> x/b loses its first packet.
        if (r.from === 'x/b' && r.to.includes('10.244.1.2')) return timeout;
        if (r.from === 'x/a' && r.to.includes('10.244.2.3') && round === 1) return timeout;
        if (r.from === 'x/b' && r.to.includes('10.244.2.3')) return { error: 'pod x/b is not running' };
        return ok();
      });
    };
    const result = await runMatrix(probeMany, pods, { port: 80, protocol: 'tcp', timeoutMs: 200, retryTimeoutMs: 500 });
    expect(batches).toHaveLength(2);
    expect(batches[0]).toHaveLength(4);
    expect(batches[0]!.every((r) => r.timeoutMs === 200)).toBe(true);
    expect(batches[1]!.map((r) => `${r.from} ${r.to} ${r.timeoutMs}`)).toEqual([
      'x/a tcp://10.244.2.3:80 500',
      'x/b tcp://10.244.1.2:80 500',
      'x/b tcp://10.244.2.3:80 500',
    ]);
    expect(result.table.cells).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(result.results.map((r) => r.attempts)).toEqual([1, 2, 2, 2]);
    expect(matrixJson(result)).toEqual({
      port: 80,
      protocol: 'tcp',
      results: [
        { from: 'x/a', to: 'x/a', reachable: true },
        { from: 'x/a', to: 'x/b', reachable: true },
        { from: 'x/b', to: 'x/a', reachable: false },
        { from: 'x/b', to: 'x/b', reachable: false, error: 'pod x/b is not running' },
      ],
    });
  });

  it('makes a single round trip when everything answers', async () => {
    let calls = 0;
    const result = await runMatrix(
      async (requests) => {
        calls++;
        return requests.map(() => ok());
      },
      pods,
      { port: 81, protocol: 'udp' },
    );
    expect(calls).toBe(1);
    expect(result.results.every((r) => r.reachable && r.outcome === 'success')).toBe(true);
  });
});
