import { describe, expect, it } from 'vitest';
import { includeObjectParam, negotiateRead } from '../../../src/k8s/printers/negotiate.js';

const KUBECTL_GET = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('negotiateRead', () => {
  it('gives kubectl get the v1 Table it asks for first', () => {
    expect(negotiateRead(KUBECTL_GET)).toEqual({ as: 'Table', apiVersion: 'meta.k8s.io/v1', contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  });

  it('falls back to v1beta1, then to the object, in the client’s order', () => {
    expect(negotiateRead('application/json;as=Table;v=v2;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io')).toMatchObject({
      apiVersion: 'meta.k8s.io/v1beta1',
    });
    expect(negotiateRead('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json')).toEqual({
      as: 'Object',
      contentType: 'application/json',
    });
  });

  it('serves plain JSON to clients without an Accept header, with */* or application/json (kubectl get -o yaml, client-node)', () => {
    for (const accept of [undefined, '', '*/*', 'application/json', 'application/json, */*']) {
      expect(negotiateRead(accept)).toEqual({ as: 'Object', contentType: 'application/json' });
    }
    expect(negotiateRead('application/yaml')).toEqual({ as: 'Object', contentType: 'application/yaml' });
  });

  it('honours q-values over the order', () => {
    expect(negotiateRead('application/json;q=0.5, application/json;as=Table;v=v1;g=meta.k8s.io')).toMatchObject({ as: 'Table' });
    expect(negotiateRead('application/json;as=Table;v=v1;g=meta.k8s.io;q=0, application/json')).toMatchObject({ as: 'Object' });
  });

  it('finds nothing acceptable in protobuf-only or foreign Table requests (406 NotAcceptable)', () => {
    expect(negotiateRead('application/vnd.kubernetes.protobuf')).toBeUndefined();
    expect(negotiateRead('application/json;as=Table;v=v1;g=example.com')).toBeUndefined();
  });
});

describe('includeObjectParam', () => {
  it('defaults to Metadata and rejects unknown values', () => {
    expect(includeObjectParam(null)).toBe('Metadata');
    expect(includeObjectParam('Object')).toBe('Object');
    expect(includeObjectParam('None')).toBe('None');
    expect(includeObjectParam('all')).toBeUndefined();
  });
});
