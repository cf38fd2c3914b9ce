import { describe, expect, it } from 'vitest';
import { definitionOfKind } from '../../../src/k8s/openapi/definitions.js';
import { strictDecodingMessage, unknownFields, withoutUnknownFields } from '../../../src/k8s/validation/unknown-fields.js';

const schema = definitionOfKind('networking.k8s.io/v1', 'NetworkPolicy');
const policy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', labels: { anything: 'goes' } },
  spec: { podselector: {}, ingress: [{ fromm: [], ports: [{ port: 80, proto: 'TCP' }] }] },
};

describe('unknown fields', () => {
  it('names each field the kind does not have, with its path, and leaves free-form maps alone', () => {
    expect(unknownFields(policy, schema)).toEqual(['spec.podselector', 'spec.ingress[0].fromm', 'spec.ingress[0].ports[0].proto']);
    expect(strictDecodingMessage('NetworkPolicy', 'v1', ['spec.podselector'])).toBe(
      'NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.podselector"',
    );
  });

  it('drops them as kube-apiserver stores the object', () => {
    expect(withoutUnknownFields(policy, schema)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', labels: { anything: 'goes' } },
      spec: { ingress: [{ ports: [{ port: 80 }] }] },
    });
  });
});
