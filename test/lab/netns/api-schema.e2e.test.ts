// The lab's API server seen through the real kubectl: explain reads the shipped
// OpenAPI, apply and patch go through the strategic merge patch, and a bad object
// is refused with kube-apiserver's words and kubectl's exit code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../../helpers/cli.js';
import { hostNetworkState } from '../../helpers/host-state.js';
import { labGate } from '../../helpers/lab-gate.js';

const labTests = labGate(['kubectl']);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-api-schema-'));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-api-schema-home-'));
const LAB = 'e2e-api-schema';
const cli = (...args: string[]) => netbreak(args, { NETBREAK_STATE_DIR: stateDir });

/** kubectl with the lab's kubeconfig and a HOME of its own (its discovery cache must not outlive the lab). */
async function kubectl(args: string[], input?: string) {
  const r = await execa('kubectl', args, {
    reject: false,
    input,
    timeout: 60_000,
    env: { KUBECONFIG: path.join(stateDir, 'labs', LAB, 'kubeconfig'), HOME: home },
  });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
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

describe.skipIf(labTests.skip)(labTests.title('kubectl explain, apply, patch and validation on a netns lab'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
    const start = await cli('start', 'afternoon-deploy', '--lab', LAB, '--seed', '0');
    expect(start.code).toBe(0);
  });
  afterAll(async () => {
    await cli('stop');
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('kubectl explain prints the shipped schema: types, descriptions, nested fields', async () => {
    const spec = await kubectl(['explain', 'networkpolicy.spec']);
    expect(spec.code).toBe(0);
    expect(spec.stdout).toMatch(/^KIND:\s+NetworkPolicy$/m);
    expect(spec.stdout).toMatch(/^ {2}podSelector\t<LabelSelector>$/m);
    expect(spec.stdout).toMatch(/podSelector selects the pods to which this NetworkPolicy object applies/);
    const port = await kubectl(['explain', 'networkpolicy.spec.ingress.ports.port']);
    expect(port.stdout).toMatch(/^FIELD: port <IntOrString>$/m);
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
    const patched = await kubectl([
      'patch',
      'deploy',
      'web',
      '-n',
      'shop',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"D","value":"5"}]}]}}}}',
    ]);
    expect(patched.stdout).toBe('deployment.apps/web patched');
    const got = await kubectl(['get', 'deploy', 'web', '-n', 'shop', '-o', 'json']);
    const container = JSON.parse(got.stdout).spec.template.spec.containers[0];
    expect(container.image).toBe('registry.k8s.io/e2e-test-images/agnhost:2.53');
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(['D', 'C', 'B']);
  });

  it('an invalid NetworkPolicy is refused with the field and message kube-apiserver gives, exit 1', async () => {
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - ports: [{port: 70000}]
`;
    const refused = await kubectl(['apply', '-f', '-'], policy);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'The NetworkPolicy "bad" is invalid: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    const typo = await kubectl(['apply', '-f', '-'], policy.replace('podSelector', 'podselector').replace('70000', '80'));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/strict decoding error: unknown field "spec\.podselector"$/);
    expect((await kubectl(['get', 'netpol', 'bad', '-n', 'shop'])).code).toBe(1);
  });
});
