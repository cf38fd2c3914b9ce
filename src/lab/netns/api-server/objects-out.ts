// Objects as the API serves them: with the apiVersion and kind of the resource they
// were asked for, and lists as kube-apiserver shapes them (PodList, metadata.resourceVersion).
import { groupVersionOf, type ApiResource } from '../../../k8s/api-resources.js';
import type { KubeObject } from '../../../k8s/objects.js';

export function served(resource: ApiResource, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: groupVersionOf(resource), kind: resource.kind };
}

export function servedList(resource: ApiResource, items: KubeObject[], resourceVersion: number): Record<string, unknown> {
  return {
    kind: `${resource.kind}List`,
    apiVersion: groupVersionOf(resource),
    metadata: { resourceVersion: String(resourceVersion) },
    items: items.map((obj) => served(resource, obj)),
  };
}
