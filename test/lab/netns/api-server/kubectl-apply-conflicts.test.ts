// Server-side apply meets the other field managers as on a cluster: a field another manager
// set (client-side apply, kubectl scale) and the apply would change is a 409 Conflict in
// kube-apiserver's words, which kubectl prints and exits 1 on; --force-conflicts takes the
// field over, and managedFields say who owns what afterwards. A memory lab, no namespace.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryApi, runKubectl, startMemoryApi } from './memory-api.js';

const hasKubectl = fs.existsSync('/usr/bin/kubectl');

const deployment = (replicas: number, image = 'registry.k8s.io/e2e-test-images/agnhost:2.53') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: ${image}}]
`;

let api: MemoryApi;
const kubectl = (args: string[], input?: string) => runKubectl(api.kubeconfig, args, input);

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: { 'f:spec'?: Record<string, unknown> };
}

async function managers(): Promise<Entry[]> {
  const r = await kubectl(['get', 'deploy', 'web', '--show-managed-fields', '-o', 'json']);
  return (JSON.parse(r.stdout) as { metadata: { managedFields: Entry[] } }).metadata.managedFields;
}

const owners = async (field: string) =>
  (await managers())
    .filter((e) => e.fieldsV1['f:spec']?.[field] !== undefined)
    .map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);

describe.skipIf(!hasKubectl)('kubectl apply --server-side and the other field managers', () => {
  beforeAll(async () => {
    api = await startMemoryApi('netbreak-kubectl-ssa-');
  });
  afterAll(() => api.close());

  it('a field set by client-side apply is a conflict for a server-side apply that changes it, named as kube-apiserver names it', async () => {
    const created = await kubectl(['apply', '-f', '-'], deployment(2));
    expect(created.code, created.stderr).toBe(0);
    expect(await owners('f:replicas')).toEqual(['kubectl-client-side-apply/Update']);
    const refused = await kubectl(['apply', '--server-side', '-f', '-'], deployment(3));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas$/m);
    expect(refused.stderr).toMatch(/re-run the apply\s+command with the `--force-conflicts` flag/);
    expect((await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('2');
  });

  it('applying the value a field already has is shared ownership, not a conflict', async () => {
    const same = await kubectl(['apply', '--server-side', '-f', '-'], deployment(2));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout.trim()).toBe('deployment.apps/web serverside-applied');
  });

  it('--force-conflicts takes the field: the value changes and the other manager no longer owns it', async () => {
    const forced = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment(3));
    expect(forced.code, forced.stderr).toBe(0);
    expect((await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('3');
    expect(await owners('f:replicas')).toEqual(['kubectl/Apply']);
  });

  it('kubectl scale takes replicas from the applier; two fields of two managers are listed by manager', async () => {
    const scaled = await kubectl(['scale', 'deploy/web', '--replicas=5']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const [scaler] = await owners('f:replicas');
    expect(scaler).toMatch(/^kubectl(-scale)?\/Update\/scale$/);
    const refused = await kubectl(['apply', '--server-side', '-f', '-'], deployment(3));
    expect(refused.code).toBe(1);
    const name = scaler!.split('/')[0];
    expect(refused.stderr).toMatch(
      new RegExp(`^error: Apply failed with 1 conflict: conflict with "${name}" with subresource "scale" using apps/v1: \\.spec\\.replicas$`, 'm'),
    );
    const patched = await kubectl(['patch', 'deploy/web', '--type=merge', '-p', '{"spec":{"minReadySeconds":4}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const two = await kubectl(['apply', '--server-side', '-f', '-'], deployment(3).replace('replicas: 3', 'replicas: 3\n  minReadySeconds: 1'));
    expect(two.code).toBe(1);
    // Grouped by manager, the managers in the order of their names.
    expect(two.stderr).toContain(
      `error: Apply failed with 2 conflicts: conflicts with "${name}" with subresource "scale" using apps/v1:\n- .spec.replicas\n` +
        'conflicts with "kubectl-patch" using apps/v1:\n- .spec.minReadySeconds\n',
    );
  });

  it('a container field in a keyed list is named by its key', async () => {
    const edited = await kubectl(['set', 'image', 'deploy/web', 'web=registry.k8s.io/e2e-test-images/agnhost:2.52']);
    expect(edited.code, edited.stderr).toBe(0);
    const refused = await kubectl(
      ['apply', '--server-side', '--field-manager=ci', '-f', '-'],
      deployment(5).replace('replicas: 5\n', 'replicas: 5\n  minReadySeconds: 4\n'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/conflict with "kubectl-set" using apps\/v1: \.spec\.template\.spec\.containers\[name="web"\]\.image$/m);
  });
});
