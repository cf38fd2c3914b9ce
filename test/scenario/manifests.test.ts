import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { SUPPORTED_KINDS, isNamespaced, loadManifestFile, manifestSource, objectKey, parseManifests } from '../../src/scenario/manifests.js';

const F = 'm.yaml';

function errorOf(text: string): string {
  try {
    parseManifests(text, F);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).message;
  }
  throw new Error('expected a ScenarioError');
}

const deployment = (labels = '{app: api}') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers:
        - name: agent
          image: agnhost
          ports:
            - containerPort: 8080
`;

describe('parseManifests', () => {
  it('reads several documents, skips empty ones and defaults the namespace', () => {
    const objects = parseManifests(
      `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n# nothing\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}\n---\n`,
      F,
    );
    expect(objects.map(objectKey)).toEqual(['Namespace/shop', 'ConfigMap/default/cfg']);
    expect(manifestSource(objects[1]!)).toEqual({ file: F, line: 8 });
  });

  it('knows which kinds are namespaced', () => {
    expect(Object.keys(SUPPORTED_KINDS)).toEqual(['Namespace', 'Pod', 'Deployment', 'DaemonSet', 'Service', 'EndpointSlice', 'NetworkPolicy', 'ConfigMap']);
    expect(isNamespaced('Namespace')).toBe(false);
    expect(isNamespaced('Service')).toBe(true);
  });

  it('accepts a Deployment whose template carries the selected labels', () => {
    expect(parseManifests(deployment('{app: api, tier: backend}'), F)).toHaveLength(1);
  });

  const cases: [name: string, text: string, message: string][] = [
    [
      'a YAML syntax error, with line and column',
      'apiVersion: v1\nkind: [Namespace\nmetadata: {name: x}\n',
      `${F}:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ].`,
    ],
    [
      'a document that is a list',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n- a\n- b\n',
      `${F}:5: each document must be a Kubernetes object (a mapping with apiVersion, kind and metadata), not a list.`,
    ],
    ['a missing kind', 'apiVersion: v1\nmetadata: {name: a}\n', `${F}:1: kind: required field is missing; add it.`],
    ['a missing metadata.name', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {a: b}\n', `${F}:3: metadata.name: required field is missing; add it.`],
    ['a name that is not a string', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 42\n', `${F}:4: metadata.name: must be a string, not the number 42.`],
    [
      'an unsupported kind',
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\n',
      `${F}:2: kind: "Ingress" is not supported; netbreak supports Namespace, Pod, Deployment, DaemonSet, Service, EndpointSlice, NetworkPolicy and ConfigMap.`,
    ],
    [
      'a misspelt kind',
      'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n',
      `${F}:2: kind: "Deploymnet" is not supported (did you mean Deployment?); netbreak supports Namespace, Pod, Deployment, DaemonSet, Service, EndpointSlice, NetworkPolicy and ConfigMap.`,
    ],
    ['a wrong apiVersion', 'apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n', `${F}:1: apiVersion: must be apps/v1 for a Deployment, not "v1".`],
    [
      'a name that is not a DNS label',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Shop_1\n',
      `${F}:4: metadata.name: must be a DNS label (at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit), not "Shop_1".`,
    ],
    [
      'a name that is not a DNS subdomain',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: -cfg\n',
      `${F}:4: metadata.name: must be a DNS subdomain (lower-case letters, digits, dashes and dots, starting and ending with a letter or digit), not "-cfg".`,
    ],
    [
      'a namespace on a Namespace',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  namespace: b\n',
      `${F}:5: metadata.namespace: must not be set: a Namespace does not live in a namespace.`,
    ],
    [
      'a number as a label value',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    version: 1\n',
      `${F}:6: metadata.labels.version: label values must be strings, not the number 1; quote it: "1".`,
    ],
    [
      'a Deployment whose template lacks the selected labels',
      deployment('{app: web}'),
      `${F}:11: spec.template.metadata.labels: must include app: api from spec.selector.matchLabels, or the Deployment would not select its own pods.`,
    ],
    [
      'a Deployment without a selector',
      deployment().replace('  selector:\n    matchLabels: {app: api}\n', ''),
      `${F}:6: spec.selector: required field is missing; add it.`,
    ],
    [
      'a port out of range',
      deployment().replace('containerPort: 8080', 'containerPort: 70000'),
      `${F}:17: spec.template.spec.containers[0].ports[0].containerPort: must be a port number from 1 to 65535, not 70000.`,
    ],
    [
      'a bad protocol',
      'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      protocol: tcp\n',
      `${F}:8: spec.ports[0].protocol: must be one of TCP, UDP or SCTP, not "tcp" (did you mean TCP?).`,
    ],
    [
      'a Service selector written as a label selector',
      'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector:\n    matchLabels: {app: api}\n  ports: [{port: 80}]\n',
      `${F}:5: spec.selector: must be a plain map of labels (app: api); Services do not take matchLabels or matchExpressions.`,
    ],
    [
      'a Service selector that is not a map',
      'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: app=api\n  ports: [{port: 80}]\n',
      `${F}:5: spec.selector: must be a map of labels (app: api), not the text "app=api"; Services do not take matchLabels.`,
    ],
    [
      'unnamed ports on a multi-port Service',
      'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  ports:\n    - {name: http, port: 80}\n    - {port: 443}\n',
      `${F}:7: spec.ports[1].name: required field is missing; a Service with several ports must name each one.`,
    ],
    [
      'a bad policyTypes value',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, egress]\n',
      `${F}:6: spec.policyTypes[1]: must be one of Ingress or Egress, not "egress" (did you mean Egress?).`,
    ],
    [
      'a NetworkPolicy without podSelector',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  policyTypes: [Ingress]\n',
      `${F}:4: spec.podSelector: required field is missing; add it.`,
    ],
    [
      'a NetworkPolicy port that is out of range',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  egress:\n    - ports:\n        - port: 0\n',
      `${F}:8: spec.egress[0].ports[0].port: must be a port number from 1 to 65535, not 0.`,
    ],
    [
      'ConfigMap data that is not a string',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  ttl: 30\n',
      `${F}:5: data.ttl: must be a string, not the number 30; quote it: "30".`,
    ],
    [
      'an EndpointSlice without addressType',
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\nendpoints: []\n',
      `${F}:1: addressType: required field is missing; add it.`,
    ],
    [
      'a duplicate object in one file',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
      `${F}:5: Namespace/a is already defined at ${F}:1; keep only one of them.`,
    ],
    ['duplicate keys', 'apiVersion: v1\nkind: Namespace\nkind: Pod\nmetadata: {name: a}\n', `${F}:3:1: YAML syntax error: Map keys must be unique.`],
  ];

  it.each(cases)('refuses %s', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('treats the default namespace and an explicit one as the same object', () => {
    expect(
      errorOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n'),
    ).toBe(`${F}:5: ConfigMap/default/a is already defined at ${F}:1; keep only one of them.`);
  });
});

describe('loadManifestFile', () => {
  it('refuses a file bigger than 1 MiB and names it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'netbreak-manifest-'));
    try {
      const file = path.join(dir, 'big.yaml');
      await writeFile(file, `# ${'z'.repeat(2 * 1024 * 1024)}\n`);
      await expect(loadManifestFile(file, 'manifests/big.yaml')).rejects.toThrow(
        new ScenarioError({
          file: 'manifests/big.yaml',
          problem: 'is 2.0 MiB, more than the 1 MiB netbreak reads; make it smaller or split it into several files',
        }).message,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says when the file is missing', async () => {
    await expect(loadManifestFile('/nonexistent/netbreak/x.yaml', 'manifests/x.yaml')).rejects.toThrow('manifests/x.yaml: does not exist.');
  });
});
