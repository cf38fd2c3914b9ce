import { describe, expect, it } from 'vitest';
import { faultKind, faultKinds } from '../../src/faults/registry.js';

function problems(kind: string, params: unknown): string[] {
  const result = faultKind(kind)!.params.safeParse(params);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('fault registry', () => {
  it('finds every step kind a scenario may use, each once', () => {
    const names = faultKinds.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['apply', 'delete', 'patch', 'scale', 'restart', 'nodeExec']) expect(faultKind(name)?.name).toBe(name);
    expect(faultKind('exec')).toBeUndefined();
  });

  it.each([
    ['apply', 'manifests/deny.yaml'],
    ['delete', 'NetworkPolicy/shop/allow-dns'],
    ['delete', 'Namespace/shop'],
    ['patch', { object: 'Service/shop/api', merge: { spec: { selector: { app: 'x' } } } }],
    ['scale', { object: 'Deployment/kube-system/coredns', replicas: 0 }],
    ['scale', { object: 'Deployment/shop/api', replicas: 20 }],
    ['restart', 'Deployment/shop/api'],
    ['nodeExec', { node: 'worker2', run: ['ip', 'link', 'set', 'eth0', 'mtu', '1200'], undo: ['ip', 'link', 'set', 'eth0', 'mtu', '1500'] }],
  ])('%s accepts %j', (kind, params) => {
    expect(problems(kind, params)).toEqual([]);
  });

  it.each([
    ['apply', '../outside.yaml', /no \.\./],
    ['apply', 'manifests/deny.json', /relative \.yaml path/],
    ['delete', 'shop/allow-dns', /Kind\/namespace\/name/],
    ['restart', 'deployment/shop/api', /Kind\/namespace\/name/],
    ['patch', { object: 'Service/shop/api' }, /^merge: /],
    ['patch', { object: 'Service/shop/api', merge: {}, type: 'json' }, /type/],
    ['scale', { object: 'Deployment/shop/api', replicas: -1 }, /^replicas: /],
    ['scale', { object: 'Deployment/shop/api', replicas: 21 }, /^replicas: /],
    ['scale', { object: 'Deployment/shop/api', replicas: 1.5 }, /^replicas: /],
    ['scale', { object: 'Deployment/shop/api', replicas: '2' }, /^replicas: /],
    ['nodeExec', { node: 'Worker_2', run: ['true'] }, /^node: must be a node name/],
    ['nodeExec', { node: 'worker', run: [] }, /^run: /],
    ['nodeExec', { node: 'worker', run: [''] }, /^run\.0: /],
    ['nodeExec', { node: 'worker', run: 'ip route del default' }, /^run: /],
    ['nodeExec', { node: 'worker', run: ['true'], undo: [] }, /^undo: /],
  ])('%s rejects %j, naming the field', (kind, params, message) => {
    const found = problems(kind, params);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });
});
