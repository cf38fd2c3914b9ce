import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/objects.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from '../../src/k8s/selectors.js';

const pod = (name: string, labels: Record<string, string>, nodeName?: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels }, spec: nodeName ? { nodeName } : {} }) as KubeObject;

const pods = [pod('a', { app: 'web', tier: 'front' }, 'worker'), pod('b', { app: 'api' }, 'worker2'), pod('c', { app: 'web', canary: 'true' })];
const names = (matches: (o: KubeObject) => boolean) => pods.filter(matches).map((p) => p.metadata.name);

describe('label selectors as kubectl -l sends them', () => {
  it('equality, inequality, sets, existence and their combinations', () => {
    expect(names(parseLabelSelector('app=web'))).toEqual(['a', 'c']);
    expect(names(parseLabelSelector('app==web,tier=front'))).toEqual(['a']);
    expect(names(parseLabelSelector('app!=web'))).toEqual(['b']);
    expect(names(parseLabelSelector('app in (api, web),!canary'))).toEqual(['a', 'b']);
    expect(names(parseLabelSelector('app notin (web)'))).toEqual(['b']);
    expect(names(parseLabelSelector('tier'))).toEqual(['a']);
    expect(names(parseLabelSelector(''))).toEqual(['a', 'b', 'c']);
  });

  it('refuses what is no requirement', () => {
    expect(() => parseLabelSelector('app=we b')).toThrow(SelectorError);
    expect(() => parseLabelSelector('app in web')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors as kube-apiserver indexes them', () => {
  it('selects pods by node and name, negated too', () => {
    expect(names(parseFieldSelector('spec.nodeName=worker', 'Pod'))).toEqual(['a']);
    expect(names(parseFieldSelector('spec.nodeName!=worker,metadata.name!=c', 'Pod'))).toEqual(['b']);
    expect(names(parseFieldSelector('metadata.namespace==shop', 'Pod'))).toEqual(['a', 'b', 'c']);
  });

  it('selects Events by involvedObject, as kubectl describe asks', () => {
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'a', namespace: 'shop' },
    } as unknown as KubeObject;
    expect(parseFieldSelector('involvedObject.name=a,involvedObject.kind=Pod', 'Event')(event)).toBe(true);
    expect(parseFieldSelector('involvedObject.name=b', 'Event')(event)).toBe(false);
  });

  it('refuses a field the kind is not indexed by, in kube-apiserver words', () => {
    expect(() => parseFieldSelector('spec.nodeName=worker', 'Service')).toThrow('field label not supported: spec.nodeName');
  });
});
