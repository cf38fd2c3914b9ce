import { expect, it } from 'vitest';
import { runSteps } from '../../src/engine/start-scenario.js';
import { faultKind } from '../../src/faults/registry.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { FakeLab, deployment, namespace, networkPolicy, service } from '../helpers/fake-lab.js';

function setup() {
  const lab = new FakeLab([namespace('shop'), namespace('kube-system'), deployment('kube-system', 'coredns', 2), service('shop', 'api')]);
  const manifests = new Map<string, KubeObject[]>([['manifests/deny.yaml', [networkPolicy('shop', 'deny')]]]);
  return { lab, ctx: { lab, manifests } };
}

const steps = [
  { apply: 'manifests/deny.yaml' },
  { scale: { object: 'Deployment/kube-system/coredns', replicas: 0 } },
  { delete: 'Service/shop/api' },
  { nodeExec: { node: 'worker', run: ['iptables', '-I', 'FORWARD', '-j', 'DROP'], undo: ['iptables', '-D', 'FORWARD', '-j', 'DROP'] } },
];

it('applies the steps in order and journals each with the undo that reverts it, surviving JSON', async () => {
  const { lab, ctx } = setup();
  const before = lab.dump();
  const journal = await runSteps(ctx, steps);

  expect(journal.map((e) => e.step)).toEqual(steps);
  expect(lab.peek({ kind: 'NetworkPolicy', namespace: 'shop', name: 'deny' })).toBeDefined();
  expect((lab.peek({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' })!.spec as any).replicas).toBe(0);
  expect(lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })).toBeUndefined();
  expect(lab.calls.filter((c) => c.op === 'nodeExec')).toHaveLength(1);

  // The journal is persisted in session.json, so revert from its JSON form, newest first.
  const persisted = JSON.parse(JSON.stringify(journal)) as typeof journal;
  for (const entry of [...persisted].reverse()) {
    const [name] = Object.keys(entry.step);
    await faultKind(name!)!.revert(ctx, entry.undo);
  }
  expect(lab.dump()).toEqual(before);
  expect(lab.calls.filter((c) => c.op === 'nodeExec').at(-1)).toEqual({ op: 'nodeExec', node: 'worker', argv: ['iptables', '-D', 'FORWARD', '-j', 'DROP'] });
});

it('stops at the first failing step without running the rest', async () => {
  const { lab, ctx } = setup();
  lab.nodeExecHandler = () => ({ exitCode: 1, stdout: '', stderr: 'iptables: No chain/target/match by that name.' });
  await expect(runSteps(ctx, [steps[3]!, steps[2]!])).rejects.toThrow('failed on node worker');
  expect(lab.peek({ kind: 'Service', namespace: 'shop', name: 'api' })).toBeDefined();
});

it('refuses bad step parameters before touching the lab', async () => {
  const { lab, ctx } = setup();
  await expect(runSteps(ctx, [{ scale: { object: 'Deployment/kube-system/coredns', replicas: -3 } }])).rejects.toThrow();
  expect(lab.calls).toEqual([]);
});
