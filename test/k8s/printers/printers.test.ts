import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { toTable } from '../../../src/k8s/printers/printers.js';

const NOW = Date.parse('2026-12-07T20:00:00Z');

const cm = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', resourceVersion: rv, labels: { app: 'shop' }, creationTimestamp: '2026-12-07T19:59:00Z' },
  data: { a: '1' },
});

describe('toTable', () => {
  it('answers a list with a meta.k8s.io/v1 Table, one row per object and partial metadata by default', () => {
    const table = toTable('ConfigMap', [cm('a', '7'), cm('b', '9')], { resourceVersion: '12', nowMs: NOW });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '12' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows.map((r) => r.cells)).toEqual([
      ['a', 1, '60s'],
      ['b', 1, '60s'],
    ]);
    // kubectl reads the namespace (for -A) and labels (for --show-labels, -L) from the row's object.
    expect(table.rows[0]!.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm('a', '7').metadata });
  });

  it('takes one object’s resourceVersion for a GET', () => {
    expect(toTable('ConfigMap', [cm('a', '7')]).metadata.resourceVersion).toBe('7');
  });

  it('carries the whole object with includeObject=Object (kubectl --sort-by) and none with None', () => {
    expect(toTable('ConfigMap', [cm('a', '7')], { includeObject: 'Object' }).rows[0]!.object).toEqual(cm('a', '7'));
    expect(toTable('ConfigMap', [cm('a', '7')], { includeObject: 'None' }).rows[0]).not.toHaveProperty('object');
  });

  it('leaves out the column definitions when asked (watch events after the first) and speaks v1beta1 too', () => {
    const table = toTable('ConfigMap', [cm('a', '7')], { noHeaders: true, apiVersion: 'meta.k8s.io/v1beta1' });
    expect(table.columnDefinitions).toEqual([]);
    expect(table.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(table.rows[0]!.object).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1' });
  });

  it('gives a kind without a printer the default Name and Created At columns', () => {
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', creationTimestamp: '2026-12-07T19:59:00.250Z' } };
    const table = toTable('Lease', [lease], { nowMs: NOW });
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Created At', 'date'],
    ]);
    expect(table.rows[0]!.cells).toEqual(['l', '2026-12-07T19:59:00Z']);
  });

  it('marks a finished pod’s row Completed', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'job-x' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
    expect(toTable('Pod', [pod]).rows[0]!.conditions?.[0]).toMatchObject({ type: 'Completed', status: 'True' });
  });
});
