// `kubectl auth can-i` and `kubectl auth whoami` on the lab: the one user may do everything
// the lab serves and nothing else, answered through the review APIs kube-apiserver serves
// (kubectl sends them as protobuf). A memory lab, no namespace.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryApi, runKubectl, startMemoryApi } from './memory-api.js';

const hasKubectl = fs.existsSync('/usr/bin/kubectl');

let api: MemoryApi;
const kubectl = (...args: string[]) => runKubectl(api.kubeconfig, args);

describe.skipIf(!hasKubectl)('kubectl auth on the lab', () => {
  beforeAll(async () => {
    api = await startMemoryApi('netbreak-kubectl-auth-');
  });
  afterAll(() => api.close());

  it('can-i says yes, exit 0, for what the lab serves: verbs, subresources, namespaces', async () => {
    for (const args of [
      ['create', 'networkpolicies', '-n', 'shop'],
      ['delete', 'pods'],
      ['create', 'pods/exec'],
      ['patch', 'deployments.apps/scale'],
      ['get', 'nodes'],
      ['watch', 'events', '-A'],
      ['get', '/healthz'],
    ]) {
      const r = await kubectl('auth', 'can-i', ...args);
      expect({ args, out: r.stdout.trim(), code: r.code }).toEqual({ args, out: 'yes', code: 0 });
    }
  });

  it('can-i says no with the reason, exit 1, for what the lab does not serve or allow', async () => {
    const unserved = await kubectl('auth', 'can-i', 'create', 'secrets');
    expect(unserved.code).toBe(1);
    expect(unserved.stdout.trim()).toBe('no - the lab serves no resource secrets');
    const verb = await kubectl('auth', 'can-i', 'deletecollection', 'namespaces');
    expect(verb.code).toBe(1);
    expect(verb.stdout.trim()).toBe('no - the lab does not deletecollection namespaces');
    const unknown = await kubectl('auth', 'can-i', 'get', 'widgets');
    expect(unknown.stderr).toMatch(/Warning: the server doesn't have a resource type 'widgets'/);
    expect(unknown.stdout.trim()).toBe('no - the lab serves no resource widgets');
  });

  it('can-i --list prints the rules: every served resource with its verbs, and the non-resource URLs', async () => {
    const r = await kubectl('auth', 'can-i', '--list', '-n', 'shop');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(r.stdout).toMatch(/^networkpolicies\.networking\.k8s\.io\s+\[\]\s+\[\]\s+\[create delete deletecollection get list patch update watch\]$/m);
    expect(r.stdout).toMatch(/^pods\/exec\s+\[\]\s+\[\]\s+\[create get\]$/m);
    expect(r.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    expect(r.stdout).toMatch(/^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
  });

  it('whoami names the lab’s user and its groups', async () => {
    const r = await kubectl('auth', 'whoami');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ATTRIBUTE\s+VALUE\nUsername\s+netbreak-apitest\nGroups\s+\[system:masters system:authenticated\]\n$/);
  });
});
