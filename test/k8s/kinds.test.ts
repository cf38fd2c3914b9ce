import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { apiVersionOf, canonicalKind, isClusterScoped, kindFromResource, parseResourceRef } from '../../src/k8s/kinds.js';

describe('kindFromResource', () => {
  it.each([
    ['po', 'Pod'],
    ['pods', 'Pod'],
    ['svc', 'Service'],
    ['ep', 'Endpoints'],
    ['endpoints', 'Endpoints'],
    ['endpointslices', 'EndpointSlice'],
    ['netpol', 'NetworkPolicy'],
    ['NetworkPolicy', 'NetworkPolicy'],
    ['cm', 'ConfigMap'],
    ['ds', 'DaemonSet'],
    ['deploy', 'Deployment'],
    ['Deployments', 'Deployment'],
    ['no', 'Node'],
    ['ns', 'Namespace'],
  ])('%s is %s, as kubectl reads it', (resource, kind) => {
    expect(kindFromResource(resource)).toBe(kind);
  });

  it('an unknown resource is a user error listing the short names to use', () => {
    expect(() => kindFromResource('ingress')).toThrow(UserError);
    expect(() => kindFromResource('ingress')).toThrow(
      'unknown resource type "ingress": use one of po, svc, ep, endpointslices, netpol, cm, ds, deploy, no, ns',
    );
  });
});

describe('parseResourceRef', () => {
  it('reads kind/name and kind name the same way', () => {
    expect(parseResourceRef('svc/api')).toEqual({ kind: 'Service', name: 'api' });
    expect(parseResourceRef('svc', 'api')).toEqual({ kind: 'Service', name: 'api' });
  });

  it('a bare resource means all of that kind', () => {
    expect(parseResourceRef('pods')).toEqual({ kind: 'Pod' });
  });

  it('an unknown kind before the slash is refused', () => {
    expect(() => parseResourceRef('foo/api')).toThrow('unknown resource type "foo"');
  });
});

it('only Nodes and Namespaces are cluster-scoped', () => {
  expect(['Node', 'Namespace', 'Pod', 'Service', 'NetworkPolicy'].filter(isClusterScoped)).toEqual(['Node', 'Namespace']);
});

describe('canonicalKind', () => {
  it.each([
    ['deployment.apps', 'Deployment'],
    ['NETPOL', 'NetworkPolicy'],
    ['networkpolicy.networking.k8s.io', 'NetworkPolicy'],
    ['endpointslice.discovery.k8s.io', 'EndpointSlice'],
    ['namespace', 'Namespace'],
  ])('%s is %s, in any case and with its API group', (name, kind) => {
    expect(canonicalKind(name)).toBe(kind);
  });

  it('a ReplicaSet is read to follow owners, never named by a learner', () => {
    expect(canonicalKind('rs')).toBeUndefined();
    expect(apiVersionOf('ReplicaSet')).toBe('apps/v1');
  });
});

it('every kind carries the apiVersion its API group serves it under', () => {
  expect(['Pod', 'Deployment', 'EndpointSlice', 'NetworkPolicy'].map(apiVersionOf)).toEqual(['v1', 'apps/v1', 'discovery.k8s.io/v1', 'networking.k8s.io/v1']);
  expect(() => apiVersionOf('Ingress')).toThrow('netbreak does not know the Kubernetes kind "Ingress"');
});
