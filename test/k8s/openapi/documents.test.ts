import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { definitionOfKind } from '../../../src/k8s/openapi/definitions.js';
import { openApiV2, openApiV3, openApiV3Index } from '../../../src/k8s/openapi/documents.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('shipped OpenAPI definitions', () => {
  it('are committed and up to date (regenerate with node src/k8s/openapi/generate-openapi.mjs)', async () => {
    await expect(promisify(execFile)(process.execPath, [path.join(root, 'src', 'k8s', 'openapi', 'generate-openapi.mjs'), '--check'])).resolves.toBeDefined();
  });

  it('carry the descriptions kubectl explain prints, also for fields that refer to another type', () => {
    const spec = definitionOfKind('networking.k8s.io/v1', 'NetworkPolicy')!.properties!.spec!;
    expect(spec.$ref).toBe('#/definitions/io.k8s.api.networking.v1.NetworkPolicySpec');
    const doc = JSON.parse(openApiV2().json);
    const npSpec = doc.definitions['io.k8s.api.networking.v1.NetworkPolicySpec'];
    expect(npSpec.description).toBe('NetworkPolicySpec provides the specification of a NetworkPolicy');
    expect(npSpec.properties.podSelector.description).toMatch(/^podSelector selects the pods to which this NetworkPolicy object applies/);
    expect(npSpec.properties.egress.items.$ref).toBe('#/definitions/io.k8s.api.networking.v1.NetworkPolicyEgressRule');
  });

  it('declare the list extensions upstream does, which strategic merge patch follows', () => {
    const { definitions } = JSON.parse(openApiV2().json);
    const ports = definitions['io.k8s.api.core.v1.Container'].properties.ports;
    expect(ports['x-kubernetes-patch-merge-key']).toBe('containerPort');
    expect(ports['x-kubernetes-patch-strategy']).toBe('merge');
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    expect(definitions['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(definitions['io.k8s.api.networking.v1.NetworkPolicySpec'].properties.ingress['x-kubernetes-list-type']).toBe('atomic');
  });

  it('name every kind the lab serves with its group, version and kind', () => {
    expect(definitionOfKind('apps/v1', 'Deployment')?.properties?.spec).toBeDefined();
    expect(definitionOfKind('v1', 'Event')?.properties?.involvedObject).toBeDefined();
    expect(definitionOfKind('discovery.k8s.io/v1', 'EndpointSliceList')?.properties?.items).toBeDefined();
    expect(definitionOfKind('autoscaling/v1', 'Scale')).toBeDefined();
    expect(definitionOfKind('batch/v1', 'Job')).toBeUndefined();
  });
});

describe('OpenAPI v3 documents', () => {
  it('index every served group-version with a hash that matches its document', () => {
    const index = JSON.parse(openApiV3Index().json) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/discovery.k8s.io/v1', 'apis/networking.k8s.io/v1']);
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toBe(`/openapi/v3/apis/apps/v1?hash=${openApiV3('apis/apps/v1')!.hash}`);
    expect(openApiV3('apis/batch/v1')).toBeUndefined();
  });

  it('wrap a described reference in allOf and mark int-or-string, as kube-apiserver does', () => {
    const doc = JSON.parse(openApiV3('apis/networking.k8s.io/v1')!.json);
    const spec = doc.components.schemas['io.k8s.api.networking.v1.NetworkPolicySpec'];
    expect(spec.properties.podSelector.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' }]);
    const intOrString = doc.components.schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
    expect(intOrString['x-kubernetes-int-or-string']).toBe(true);
    expect(intOrString.type).toBeUndefined();
    expect(doc.components.schemas['io.k8s.api.core.v1.Pod']).toBeUndefined();
  });

  it('declare fieldValidation on each PATCH, so kubectl leaves unknown fields to the server', () => {
    const doc = JSON.parse(openApiV3('apis/networking.k8s.io/v1')!.json);
    const patch = doc.paths['/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' });
    expect(patch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('query:fieldValidation');
    const scale = JSON.parse(openApiV3('apis/apps/v1')!.json).paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch;
    expect(scale['x-kubernetes-group-version-kind'].kind).toBe('Scale');
  });
});
