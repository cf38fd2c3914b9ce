import { describe, expect, it } from 'vitest';
import { definitionOfKind } from '../../../src/k8s/openapi/definitions.js';
import { StrategicMergePatchError, strategicMergePatch } from '../../../src/k8s/patch/strategic-merge.js';

const podSchema = definitionOfKind('v1', 'Pod');
const deploySchema = definitionOfKind('apps/v1', 'Deployment');
const netpolSchema = definitionOfKind('networking.k8s.io/v1', 'NetworkPolicy');

const pod = (containers: object[], extra: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } });

describe('strategic merge patch', () => {
  it('merges a list with a merge key element by element and keeps what the patch does not name', () => {
    const original = pod([
      { name: 'app', image: 'app:1', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'envoy' },
    ]);
    const out = strategicMergePatch(original, { spec: { containers: [{ name: 'app', image: 'app:2' }] } }, podSchema) as any;
    expect(out.spec.containers).toEqual([
      { name: 'app', image: 'app:2', ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'sidecar', image: 'envoy' },
    ]);
    expect(original.spec.containers[0]).toMatchObject({ image: 'app:1' });
  });

  it('appends an element whose merge key is new, and merges nested lists by their own key', () => {
    const original = pod([{ name: 'app', env: [{ name: 'A', value: '1' }] }]);
    const patch = {
      spec: {
        containers: [
          { name: 'app', env: [{ name: 'B', value: '2' }] },
          { name: 'debug', image: 'busybox' },
        ],
      },
    };
    const out = strategicMergePatch(original, patch, podSchema) as any;
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(['app', 'debug']);
    // Without $setElementOrder a new item goes ahead of the server's own, as upstream puts it.
    expect(out.spec.containers[0].env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
  });

  it('replaces a list without a patch strategy whole (NetworkPolicy rules are atomic)', () => {
    const original = {
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }, { ports: [{ port: 80 }] }] },
    };
    const out = strategicMergePatch(original, { spec: { ingress: [{ ports: [{ port: 443 }] }] } }, netpolSchema) as any;
    expect(out.spec.ingress).toEqual([{ ports: [{ port: 443 }] }]);
    expect(out.spec.podSelector).toEqual({});
  });

  it('merges maps key by key and deletes a key patched to null', () => {
    const original = { metadata: { name: 'd', labels: { app: 'web', tier: 'front' } }, spec: { replicas: 2, paused: true } };
    const out = strategicMergePatch(original, { metadata: { labels: { tier: null, team: 'x' } }, spec: { paused: null } }, deploySchema) as any;
    expect(out.metadata.labels).toEqual({ app: 'web', team: 'x' });
    expect(out.spec).toEqual({ replicas: 2 });
  });

  it('drops nulls from a value the original did not have', () => {
    const out = strategicMergePatch({ metadata: { name: 'p' } }, { metadata: { annotations: { a: '1', b: null } } }, podSchema) as any;
    expect(out.metadata.annotations).toEqual({ a: '1' });
  });

  it('deletes a list element named with $patch: delete', () => {
    const original = pod([{ name: 'app' }, { name: 'sidecar' }]);
    const out = strategicMergePatch(original, { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } }, podSchema) as any;
    expect(out.spec.containers).toEqual([{ name: 'app' }]);
  });

  it('replaces a merged list or map with $patch: replace', () => {
    const original = pod([{ name: 'app' }, { name: 'sidecar' }], { nodeSelector: { zone: 'a', disk: 'ssd' } });
    const patch = { spec: { containers: [{ name: 'only' }, { $patch: 'replace' }], nodeSelector: { zone: 'b', $patch: 'replace' } } };
    const out = strategicMergePatch(original, patch, podSchema) as any;
    expect(out.spec.containers).toEqual([{ name: 'only' }]);
    expect(out.spec.nodeSelector).toEqual({ zone: 'b' });
  });

  it('orders a merged list as $setElementOrder says (what kubectl apply sends after a reorder)', () => {
    const original = pod([{ name: 'a', image: '1' }, { name: 'b' }, { name: 'c' }]);
    const patch = { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: '2' }] } };
    const out = strategicMergePatch(original, patch, podSchema) as any;
    expect(out.spec.containers).toEqual([{ name: 'c' }, { name: 'a', image: '2' }, { name: 'b' }]);
  });

  it('keeps only the fields $retainKeys names (switching a volume from emptyDir to a configMap)', () => {
    const original = pod([{ name: 'app' }], { volumes: [{ name: 'data', emptyDir: {} }] });
    const patch = { spec: { volumes: [{ name: 'data', configMap: { name: 'cfg' }, $retainKeys: ['configMap', 'name'] }] } };
    const out = strategicMergePatch(original, patch, podSchema) as any;
    expect(out.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('removes values of a primitive list with $deleteFromPrimitiveList and merges a set', () => {
    const original = { metadata: { name: 'p', finalizers: ['a', 'b', 'c'] } };
    const out = strategicMergePatch(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, podSchema) as any;
    expect(out.metadata.finalizers).toEqual(['a', 'c']);
    const added = strategicMergePatch(original, { metadata: { finalizers: ['d', 'a'] } }, podSchema) as any;
    expect(added.metadata.finalizers).toEqual(['d', 'a', 'b', 'c']);
  });

  it('merges container ports by containerPort', () => {
    const original = pod([{ name: 'app', ports: [{ containerPort: 80 }, { containerPort: 81 }] }]);
    const out = strategicMergePatch(original, { spec: { containers: [{ name: 'app', ports: [{ containerPort: 81, name: 'metrics' }] }] } }, podSchema) as any;
    expect(out.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 81, name: 'metrics' }]);
  });

  it('refuses a patch kube-apiserver refuses, with its message', () => {
    const original = pod([{ name: 'app' }]);
    expect(() => strategicMergePatch(original, { spec: { containers: [{ image: 'x' }] } }, podSchema)).toThrow(
      'map: {"image":"x"} does not contain declared merge key: name',
    );
    expect(() => strategicMergePatch(original, { spec: { $patch: 'explode' } }, podSchema)).toThrow(StrategicMergePatchError);
    expect(() => strategicMergePatch(original, [1, 2], podSchema)).toThrow(/must be a JSON object/);
  });

  it('replaces lists when it has no schema for the kind', () => {
    const out = strategicMergePatch({ data: { list: [1, 2] } }, { data: { list: [3] } }) as any;
    expect(out.data.list).toEqual([3]);
  });
});
