// The kubeconfig backend against an API that is not a fake: a netns lab's API server plays the
// shared cluster, and every scenario that declares kubeconfig runs its full loop through the
// real CLI as a workshop learner would (start with its healthy path and fault, check fails,
// the reference fix passes, a shotgun fix fails a guard, stop). Probes go the way they go on
// a real cluster: kubectl exec into the source pod's agnhost, then its netexec /dial.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../../helpers/cli.js';
import { gate, labGate } from '../../helpers/lab-gate.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const labTests = hasKubectl ? labGate() : gate('kubectl is not installed: install kubectl 1.32 to run the kubeconfig backend against a lab');

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-kubeconfig-api-'));
const env = { NETBREAK_STATE_DIR: stateDir };
/** The netns lab whose API server is the "shared cluster", and the learner's kubeconfig lab on it. */
const CLUSTER = 'shared';
const LAB = 'kc';
const LEARNER = 'alice';
let kubeconfig = '';
const cli = (...args: string[]) => netbreak([...args, '--lab', LAB], env);

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('kubectl', args, { reject: false, env: { KUBECONFIG: kubeconfig, HOME: stateDir }, timeout: 60_000 });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The shotgun fix a learner in a hurry would try (netbreak's own commands, namespaces as the scenario names them) and the guard it trips. */
const SHOTGUN: Record<string, { args: string[]; guard: string | RegExp }> = {
  'friday-merge': { args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'], guard: '{{ params.policy }} still exists' },
  'after-the-pentest': { args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'], guard: '{{ params.policy }} still exists' },
  'afternoon-deploy': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'release-train': {
    args: ['delete', 'netpol/default-deny-ingress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/default-deny-ingress still exists',
  },
  'monday-rollout': {
    args: ['delete', 'netpol/api-allow-{{ params.callerNamespace }}', '-n', '{{ params.namespace }}'],
    guard: /partners\/partner-sync → \S+ expects timeout\n\s+success/,
  },
  'checkout-outage': {
    args: ['delete', 'netpol/default-deny-ingress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/default-deny-ingress still exists',
  },
  'reviewed-by-two': { args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'], guard: /\/reports → \S+ expects timeout\n\s+success/ },
  'refused-every-call': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'ready-but-no-endpoints': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
};

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{\{\s*params\.([\w.]+)\s*\}\}/g, (_, name: string) => String(params[name]));

describe.skipIf(labTests.skip)(labTests.title('the kubeconfig backend on a netns lab API server'), () => {
  beforeAll(async () => {
    const up = await netbreak(['lab', 'up', '--name', CLUSTER], env);
    expect(up.code, up.stderr).toBe(0);
    kubeconfig = (await netbreak(['kubeconfig', '--lab', CLUSTER], env)).stdout.trim();
  }, 120_000);
  // A scenario that failed half-way leaves its lab: the next one starts on a clean cluster all the same.
  afterEach(async () => {
    await netbreak(['stop', '--lab', LAB], env);
  });
  afterAll(async () => {
    await netbreak(['lab', 'down', '--name', CLUSTER], env);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('the list of scenarios that declare kubeconfig is the one tested here', async () => {
    const listed = await netbreak(['list', '--json'], env);
    const onKubeconfig = (listed.json().scenarios as { id: string; backends: string[] }[]).filter((s) => s.backends.includes('kubeconfig')).map((s) => s.id);
    expect(onKubeconfig.sort()).toEqual(Object.keys(SHOTGUN).sort());
  });

  for (const [id, shotgun] of Object.entries(SHOTGUN)) {
    it(`${id}: start, check fails, reference fix passes, shotgun fix fails a guard, stop leaves the cluster as it was`, async () => {
      const start = await netbreak(
        ['start', id, '--backend', 'kubeconfig', '--kubeconfig', kubeconfig, '--context', `netbreak-${CLUSTER}`, '--learner', LEARNER, '--lab', LAB, '--json'],
        env,
      );
      expect(start.code, start.stderr).toBe(0);
      const params: Record<string, string | number> = start.json().params ?? {};
      const variant = `${id} --seed ${start.json().seed}`;
      // The learner's copies of the scenario's namespaces, on the shared cluster.
      const namespaces = await kubectl('get', 'ns', '-l', `netbreak.dev/learner=${LEARNER}`, '-o', 'name');
      expect(namespaces.stdout, variant).toContain(`namespace/nb-${LEARNER}-`);

      const broken = await cli('check', '--json');
      expect(broken.code, `${variant}\n${broken.stdout}\n${broken.stderr}`).toBe(1);
      expect(broken.json().items.filter((i: { kind: string; pass: boolean }) => i.kind === 'verify' && !i.pass).length, variant).toBeGreaterThan(0);

      expect((await cli('solve')).code, variant).toBe(0);
      const fixed = await cli('check', '--json');
      expect(
        fixed.json().items.filter((i: { pass: boolean }) => !i.pass),
        variant,
      ).toEqual([]);

      const cheat = await cli(...shotgun.args.map((a) => fill(a, params)));
      expect(cheat.code, `${variant}: ${cheat.stderr}`).toBe(0);
      const cheated = await cli('check');
      expect(cheated.code, variant).toBe(1);
      expect(cheated.stdout, variant).toMatch(typeof shotgun.guard === 'string' ? fill(shotgun.guard, params) : shotgun.guard);

      const stop = await cli('stop', '--json');
      expect(stop.code, stop.stderr).toBe(0);
      const left = await kubectl('get', 'ns', '-l', `netbreak.dev/learner=${LEARNER}`, '-o', 'name');
      expect(left.stdout, variant).toBe('');
    }, 240_000);
  }
});
