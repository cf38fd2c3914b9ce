import { describe, expect, it } from 'vitest';
import type { KubeObject, V1Service } from '../../src/k8s/objects.js';
import { whyNoEndpoints } from '../../src/trace/why-no-endpoints.js';

const service = (selector: Record<string, string>, targetPort: number | string = 'http'): V1Service => ({
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector, ports: [{ name: 'http', port: 8080, targetPort: targetPort as never }] },
});

function pod(
  name: string,
  labels: Record<string, string>,
  ready: boolean,
  extra: { owner?: { kind: string; name: string }; probePath?: string; portName?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels,
      ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: extra.owner.kind, name: extra.owner.name, uid: 'u1', controller: true }] } : {}),
    },
    spec: {
      containers: [
        {
          name: 'api',
          ports: [{ name: extra.portName ?? 'http', containerPort: 8080 }],
          ...(extra.probePath ? { readinessProbe: { httpGet: { path: extra.probePath, port: 'http' } } } : {}),
        },
      ],
    },
    status: { podIP: '10.244.1.3', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const deployment = (name: string, labels: Record<string, string>, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels } } },
});

describe('whyNoEndpoints', () => {
  it('a selector no pod carries: the Service, with the labels the pods do carry', () => {
    const r = whyNoEndpoints(
      service({ app: 'api-v2' }),
      [pod('api-1', { app: 'api' }, true), pod('web-1', { app: 'web' }, true)],
      [deployment('api', { app: 'api' }, 2)],
    );
    expect(r.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'selector app=api-v2 matches no pod' });
    expect(r.why).toBe('its selector app=api-v2 matches no pod in namespace shop (the pods there are labelled app=api, app=web)');
  });

  it('the Deployment meant to run the pods is scaled to zero: the Deployment', () => {
    const r = whyNoEndpoints(service({ app: 'api' }), [pod('web-1', { app: 'web' }, true)], [deployment('api', { app: 'api' }, 0)]);
    expect(r.blame).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api', detail: 'scaled to 0 replicas' });
    expect(r.why).toBe('its selector app=api matches the pods of Deployment shop/api, which is scaled to 0 replicas');
  });

  it('pods that are never Ready: their Deployment (through a ReplicaSet on a real cluster), with the readiness probe', () => {
    const owner = { kind: 'ReplicaSet', name: 'api-7d9f8c6b5' };
    const pods = [
      pod('api-7d9f8c6b5-a', { app: 'api', 'pod-template-hash': '7d9f8c6b5' }, false, { owner, probePath: '/ready' }),
      pod('api-7d9f8c6b5-b', { app: 'api', 'pod-template-hash': '7d9f8c6b5' }, false, { owner, probePath: '/ready' }),
    ];
    const r = whyNoEndpoints(service({ app: 'api' }), pods, [deployment('api', { app: 'api' }, 2)]);
    expect(r.blame).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'api', detail: 'no pod Ready' });
    expect(r.why).toBe(
      'its selector app=api matches 2 pods of Deployment shop/api, and none of them is Ready (readinessProbe GET /ready on port http does not pass)',
    );
  });

  it('ready pods without the named port the Service targets: the Service', () => {
    const r = whyNoEndpoints(service({ app: 'api' }, 'web'), [pod('api-1', { app: 'api' }, true, { owner: { kind: 'Deployment', name: 'api' } })], []);
    expect(r.blame).toEqual({ kind: 'Service', namespace: 'shop', name: 'api', detail: 'targetPort web' });
  });

  it('pods in another namespace do not count', () => {
    const elsewhere = { ...pod('api-1', { app: 'api' }, true), metadata: { name: 'api-1', namespace: 'other', labels: { app: 'api' } } };
    expect(whyNoEndpoints(service({ app: 'api' }), [elsewhere], []).blame.detail).toBe('selector app=api matches no pod');
  });
});
