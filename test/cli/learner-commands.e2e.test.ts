// The commands a learner investigates and fixes with, on a running scenario:
// kubectl-like views, commands inside pod and node namespaces, edit, hints,
// diagnosis and debrief — checked for what the learner sees.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { hostNetworkState } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate(['dig']);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-learner-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-learner';
const cli = (...args: string[]) => netbreak(args, env);

describe.skipIf(labTests.skip)(labTests.title('learner commands on afternoon-deploy'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
    // Seed 0: the reference variant (namespace shop, port 8080, label app=api) this test reads.
    const start = await cli('start', 'afternoon-deploy', '--lab', LAB, '--seed', '0');
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/Refused after the afternoon deploy/);
    expect(start.stdout).toMatch(/Symptom: from shop\/frontend, http:\/\/api\.shop\.svc\.cluster\.local:8080\/ fails/);
  });
  afterAll(async () => {
    await cli('stop');
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('get shows kubectl columns, wide adds IP and NODE, -A adds NAMESPACE', async () => {
    const pods = await cli('get', 'pods', '-n', 'shop', '-o', 'wide');
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE$/);
    expect(pods.stdout).toMatch(/^api-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+worker2?$/m);
    const svc = await cli('get', 'svc', '-A');
    expect(svc.stdout).toMatch(/^kube-system\s+kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP/m);
    const ep = await cli('get', 'endpoints', 'api', '-n', 'shop');
    expect(ep.stdout).toMatch(/^api\s+<none>/m);
    const labels = await cli('get', 'pods', '-n', 'shop', '--show-labels');
    expect(labels.stdout).toMatch(/app=api,/);
  });

  it('describe shows the selector that matches nothing and the missing endpoints', async () => {
    const d = await cli('describe', 'svc/api', '-n', 'shop');
    expect(d.stdout).toMatch(/^Selector:\s+app=api-v2$/m);
    expect(d.stdout).toMatch(/^Endpoints:\s+<none>$/m);
  });

  it('exec runs real tools inside the pod and node namespaces', async () => {
    const resolv = await cli('exec', 'frontend', '-n', 'shop', '--', 'cat', '/etc/resolv.conf');
    expect(resolv.stdout).toMatch(/^search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    expect(resolv.stdout).toMatch(/^nameserver 10\.96\.0\.10$/m);
    expect(resolv.stdout).toMatch(/ndots:5/);
    const dig = await cli('exec', 'frontend', '-n', 'shop', '--', 'dig', '+short', '+search', 'api');
    expect(dig.stdout.trim()).toMatch(/^10\.96\.\d+\.\d+$/);
    const rules = await cli('exec', 'node/worker', '--', 'iptables-save', '-t', 'filter');
    expect(rules.stdout).toMatch(/-A KUBE-SERVICES .*"shop\/api:http has no endpoints".* -j REJECT/);
    const bad = await cli('exec', 'node/worker9', '--', 'true');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/there is no node "worker9": the nodes are control-plane, worker, worker2/);
  });

  it('apply -f is all or nothing: a bad object later in the file stores nothing', async () => {
    const file = path.join(stateDir, 'half-bad.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: shop}\ndata: {a: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: clash, namespace: shop}\nspec:\n  clusterIP: 10.96.0.10\n  ports: [{port: 53}]\n',
    );
    const r = await cli('apply', '-f', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already allocated/);
    expect((await cli('get', 'cm', 'good', '-n', 'shop')).code).toBe(1);
  });

  it('hint, diagnose and a fix through edit are graded', async () => {
    const hint = await cli('hint', '--json');
    expect(hint.json()).toMatchObject({ number: 1, total: 3, cost: 10 });
    const causes = await cli('diagnose', '--list-causes', '--json');
    expect(causes.json().causes.map((c: { id: string }) => c.id)).toContain('selector-matches-no-pods');
    const partial = await cli('diagnose', '--layer', 'service');
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(/give all four of --layer, --object, --cause and --evidence/);
    const d = await cli(
      'diagnose',
      '--layer',
      'service',
      '--object',
      'Service/shop/api',
      '--cause',
      'selector-matches-no-pods',
      '--evidence',
      'app: api-v2',
      '--json',
    );
    expect(d.json().total).toBe(90);
    const again = await cli('diagnose', '--layer', 'dns', '--object', 'Service/shop/api', '--cause', 'api-not-ready', '--evidence', 'app=api');
    expect(again.code).toBe(1);

    const edit = await netbreak(['edit', 'svc/api', '-n', 'shop'], { ...env, EDITOR: `sed -i 's/app: api-v2/app: api/'` });
    expect(edit.stdout).toMatch(/service\/api edited/);
    const check = await cli('check');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/Fixed in \d+:\d\d/);
    const status = (await cli('status', '--json')).json();
    expect(status).toMatchObject({ scenario: 'afternoon-deploy', hintsUsed: 1, diagnosis: { total: 90 }, lastCheck: { passed: true } });
    const debrief = await cli('debrief');
    expect(debrief.stdout).toMatch(/Root cause\s+The api Service's selector/);
    expect(debrief.stdout).not.toMatch(/Spoiler/);
  });
});
