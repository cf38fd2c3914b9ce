// Checks an object as the Kubernetes API server would: against the OpenAPI
// schemas (kubernetes-models' compiled validators: types, enums, required
// fields, formats), and for unknown fields, which those schemas allow but a
// server with strict field validation rejects (client-node's type map of each
// model lists every known field).
import * as k8s from '@kubernetes/client-node';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import type { KubeObject } from '../../../src/k8s/objects.js';

type Model = new (data: any) => { validate(): void };

const MODELS: Record<string, { model: Model; type: string }> = {
  'v1/Namespace': { model: Namespace, type: 'V1Namespace' },
  'v1/Pod': { model: Pod, type: 'V1Pod' },
  'v1/Service': { model: Service, type: 'V1Service' },
  'v1/ConfigMap': { model: ConfigMap, type: 'V1ConfigMap' },
  'apps/v1/Deployment': { model: Deployment, type: 'V1Deployment' },
  'apps/v1/DaemonSet': { model: DaemonSet, type: 'V1DaemonSet' },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy, type: 'V1NetworkPolicy' },
  'discovery.k8s.io/v1/EndpointSlice': { model: EndpointSlice, type: 'V1EndpointSlice' },
};

const SCALARS = new Set(['string', 'number', 'boolean', 'Date', 'object', 'any', 'IntOrString']);

function unknownFields(value: unknown, type: string, at: string, out: string[]): void {
  if (value === null || value === undefined || SCALARS.has(type)) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return void out.push(`${at}: must be a list`);
    value.forEach((v, i) => unknownFields(v, array[1]!, `${at}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [k, v] of Object.entries(value as object)) unknownFields(v, map[1]!, `${at}.${k}`, out);
    return;
  }
  const model = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>)[type];
  const attributes = model?.getAttributeTypeMap?.();
  if (!attributes) return;
  if (typeof value !== 'object' || Array.isArray(value)) return void out.push(`${at}: must be an object`);
  for (const [key, v] of Object.entries(value as object)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) out.push(`${at}.${key}: unknown field`);
    else unknownFields(v, attribute.type, `${at}.${key}`, out);
  }
}

/** Every problem the API server would report for this object, as `path: problem` lines (empty when valid). */
export function schemaProblems(obj: KubeObject): string[] {
  const entry = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!entry) return [`${obj.apiVersion}/${obj.kind}: not a kind netbreak sends`];
  const problems: string[] = [];
  try {
    new entry.model(structuredClone(obj)).validate();
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (errors?.length) problems.push(...errors.map((e) => `${e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)'}: ${e.message}`));
    else problems.push((error as Error).message);
  }
  unknownFields(obj, entry.type, '', problems);
  return problems.map((p) => p.replace(/^\./, ''));
}
