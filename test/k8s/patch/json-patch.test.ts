import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../../../src/k8s/patch/json-patch.js';

const doc = { metadata: { labels: { app: 'web', 'a/b': 'x' } }, spec: { ports: [{ port: 80 }, { port: 443 }] } };

describe('JSON patch (RFC 6902) as kubectl patch --type json sends it', () => {
  it('adds, removes, replaces, moves, copies and tests, leaving the input alone', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/spec/ports/-', value: { port: 8080 } },
      { op: 'add', path: '/spec/ports/0', value: { port: 53 } },
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'replace', path: '/metadata/labels/app', value: 'api' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/copy', path: '/metadata/labels/moved' },
      { op: 'test', path: '/spec/ports/1/port', value: 80 },
    ]);
    expect(out).toEqual({ metadata: { labels: { app: 'api', moved: 'api' } }, spec: { ports: [{ port: 53 }, { port: 80 }, { port: 443 }, { port: 8080 }] } });
    expect(doc.spec.ports).toHaveLength(2);
  });

  it('fails as a whole on a missing path, a bad index or a failed test', () => {
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/ports/5', value: 1 }])).toThrow(/out of bounds/);
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/metadata/labels/app', value: 'db' }])).toThrow(/testing value/);
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow(/list of operations/);
  });
});
