// The schema's side of the lab's API server as the real kubectl meets it: explain reads
// the shipped OpenAPI, apply and patch go through the strategic merge patch, and a bad
// object is refused with kube-apiserver's words and kubectl's exit code. The lab here is
// its store and admission alone (memory-lab.ts), so no namespace is made.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../../../helpers/lab-gate.js';
import { type KubectlRun, type MemoryApi, runKubectl, startMemoryApi, trimmed } from './memory-api.js';

const kubectlGate = gate(fs.existsSync('/usr/bin/kubectl') ? undefined : 'kubectl is not installed (install kubectl 1.32 to run this test)');

let kubeconfig: string;

let api: MemoryApi;

beforeAll(async () => {
  api = await startMemoryApi('nb-api-schema-');
  ({ kubeconfig } = api);
});

afterAll(() => api.close());

function kubectl(args: string[], input?: string): Promise<KubectlRun> {
  return runKubectl(kubeconfig, args, input).then(trimmed);
}

const deployment = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["netexec", "--http-port=8080"]
        env: ${env}
        ports: [{name: http, containerPort: 8080}]
`;

const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - ports: [{port: 70000}]
`;

describe.skipIf(kubectlGate.skip)(kubectlGate.title('kubectl explain, apply, patch and validation against the lab API'), () => {
  beforeAll(async () => {
    const created = await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('namespace/shop created');
  });

  it('kubectl explain prints the shipped schema: types, descriptions, nested fields', async () => {
    const spec = await kubectl(['explain', 'networkpolicy.spec']);
    expect(spec.code).toBe(0);
    expect(spec.stdout).toMatch(/^KIND:\s+NetworkPolicy$/m);
    expect(spec.stdout).toMatch(/^ {2}podSelector\t<LabelSelector>$/m);
    expect(spec.stdout).toMatch(/podSelector selects the pods to which this NetworkPolicy object applies/);
    const port = await kubectl(['explain', 'networkpolicy.spec.ingress.ports.port']);
    expect(port.stdout).toMatch(/^FIELD: port <IntOrString>$/m);
    const containers = await kubectl(['explain', 'deploy.spec.template.spec.containers.ports']);
    expect(containers.stdout).toMatch(/^ {2}containerPort\t<integer> -required-$/m);
  });

  it('serves /openapi/v2 and the /openapi/v3 index with one document per group-version', async () => {
    const v2 = JSON.parse((await kubectl(['get', '--raw', '/openapi/v2'])).stdout);
    expect(v2.swagger).toBe('2.0');
    expect(v2.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const index = JSON.parse((await kubectl(['get', '--raw', '/openapi/v3'])).stdout);
    const url = index.paths['apis/networking.k8s.io/v1'].serverRelativeURL as string;
    const doc = JSON.parse((await kubectl(['get', '--raw', url])).stdout);
    expect(Object.keys(doc.paths)).toContain('/apis/networking.k8s.io/v1/namespaces/{namespace}/networkpolicies/{name}');
    expect((await kubectl(['get', '--raw', '/openapi/v3/apis/batch/v1'])).code).toBe(1);
  });

  it('kubectl apply creates, then changes a list as the new manifest says', async () => {
    const created = await kubectl(['apply', '-f', '-'], deployment('[{name: A, value: "1"}, {name: B, value: "2"}]'));
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('deployment.apps/web created');
    const changed = await kubectl(['apply', '-f', '-'], deployment('[{name: C, value: "3"}, {name: B, value: "4"}]'));
    expect(changed.stdout).toBe('deployment.apps/web configured');
    const env = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.template.spec.containers[0].env}']);
    expect(JSON.parse(env.stdout)).toEqual([
      { name: 'C', value: '3' },
      { name: 'B', value: '4' },
    ]);
  });

  it('kubectl patch (strategic by default) merges a container by name and keeps the rest', async () => {
    const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"D","value":"5"}]}]}}}}';
    expect((await kubectl(['patch', 'deploy', 'web', '-n', 'shop', '-p', patch])).stdout).toBe('deployment.apps/web patched');
    const got = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'json']);
    const container = JSON.parse(got.stdout).spec.template.spec.containers[0];
    expect(container.image).toBe('registry.k8s.io/e2e-test-images/agnhost:2.53');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    // A new item goes ahead of the server's own, as on a cluster.
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(['D', 'C', 'B']);
  });

  it('an invalid NetworkPolicy is refused with the field and message kube-apiserver gives, exit 1', async () => {
    const refused = await kubectl(['apply', '-f', '-'], policy);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'The NetworkPolicy "bad" is invalid: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    const scaled = await kubectl(['patch', 'deploy', 'web', '-n', 'shop', '-p', '{"spec":{"replicas":-1}}']);
    expect(scaled.stderr).toBe('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect((await kubectl(['get', 'netpol', 'bad', '-n', 'shop'])).code).toBe(1);
  });

  it('a misspelt field is refused as kubectl --validate=strict expects, and only warned of with --validate=warn', async () => {
    const typo = policy.replace('podSelector', 'podselector').replace('70000', '80');
    const strict = await kubectl(['apply', '-f', '-'], typo);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.podselector"',
    );
    const warned = await kubectl(['apply', '--validate=warn', '-f', '-'], typo);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^Warning: unknown field "spec\.podselector"$/m);
    const stored = JSON.parse((await kubectl(['get', 'netpol', 'bad', '-n', 'shop', '-o', 'json'])).stdout);
    expect(Object.keys(stored.spec)).toEqual(['ingress']);
  });
});
