import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/grading/check.js';
import { Scenario } from '../../src/scenario/schema.js';
import type { ProbeRequest, ProbeResult } from '../../src/lab/lab.js';
import { FakeLab, networkPolicy } from '../helpers/fake-lab.js';

const API = 'http://api.shop.svc.cluster.local:8080/';
const EXTERNAL = 'tcp://1.1.1.1:443';

function scenario(verify: unknown[], guards: unknown[]): Scenario {
  return Scenario.parse({
    id: 'x',
    title: 'x',
    difficulty: 'beginner',
    layers: ['dns'],
    backends: ['netns'],
    story: 'x',
    task: 'x',
    symptom: { from: 'shop/frontend', to: API },
    fault: [{ apply: 'manifests/deny.yaml' }],
    diagnosis: {
      layer: 'dns',
      object: 'NetworkPolicy/shop/deny',
      cause: 'a',
      causes: { a: 'A', b: 'B', c: 'C', d: 'D', e: 'E', f: 'F' },
      evidence: { question: 'q?', answer: 'a', reveal: 'netbreak get netpol -n shop' },
    },
    hints: ['1', '2', '3'],
    verify,
    guards,
    fix: [{ apply: 'manifests/fix.yaml' }],
    debrief: 'x',
  });
}

/** Probes to the api answer `api`, probes anywhere else answer `other`. */
function lab(api: Partial<ProbeResult>, other: Partial<ProbeResult> = {}, objects = [networkPolicy('shop', 'deny')]): FakeLab {
  const l = new FakeLab(objects);
  l.probeHandler = (req: ProbeRequest) => ({ outcome: 'success', detail: 'connected', ms: 1, ...(req.to === API ? api : other) });
  return l;
}

const verifyApi = { probe: { from: 'shop/frontend', to: API } };
const guardExternal = { probe: { from: 'shop/frontend', to: EXTERNAL, expect: 'timeout' }, why: 'egress to the internet must stay blocked' };

describe('runCheck', () => {
  it('passes when the symptom is gone and every guard holds', async () => {
    const report = await runCheck(
      lab({ answeredBy: 'api-1' }, { outcome: 'timeout', detail: 'no answer within 1000 ms' }),
      scenario([verifyApi], [{ exists: 'NetworkPolicy/shop/deny' }, { absent: 'NetworkPolicy/shop/allow-all' }, guardExternal]),
    );
    expect(report.passed).toBe(true);
    expect(report.items.map((i) => [i.kind, i.description, i.pass])).toEqual([
      ['verify', `shop/frontend → ${API} expects success`, true],
      ['guard', 'NetworkPolicy/shop/deny still exists', true],
      ['guard', 'NetworkPolicy/shop/allow-all is gone', true],
      ['guard', `shop/frontend → ${EXTERNAL} expects timeout`, true],
    ]);
  });

  it('fails the verify item with the probe outcome and its detail while the symptom remains', async () => {
    const report = await runCheck(lab({ outcome: 'nxdomain', detail: 'api.shop.svc.cluster.local: NXDOMAIN' }), scenario([verifyApi], []));
    expect(report.passed).toBe(false);
    expect(report.items[0]).toMatchObject({ kind: 'verify', pass: false, detail: 'nxdomain: api.shop.svc.cluster.local: NXDOMAIN' });
  });

  it('catches the cheat of deleting the policy, and says to fix it instead', async () => {
    const report = await runCheck(lab({}, {}, []), scenario([verifyApi], [{ exists: 'NetworkPolicy/shop/deny' }]));
    expect(report.passed).toBe(false);
    expect(report.items[1]).toMatchObject({ kind: 'guard', pass: false, detail: 'it was deleted: fix the object instead of removing it' });
  });

  it('fails an absent guard while the object is still there', async () => {
    const report = await runCheck(lab({}), scenario([verifyApi], [{ absent: 'NetworkPolicy/shop/deny' }]));
    expect(report.items[1]).toMatchObject({ pass: false, detail: 'it is still there' });
    expect(report.passed).toBe(false);
  });

  it('a failing probe guard gives the reason the scenario wrote', async () => {
    const report = await runCheck(lab({}, { outcome: 'success', detail: 'connected to 1.1.1.1:443' }), scenario([verifyApi], [guardExternal]));
    expect(report.passed).toBe(false);
    expect(report.items[1]!.detail).toBe('success: connected to 1.1.1.1:443 (egress to the internet must stay blocked)');
  });

  it('words a failure expectation as "to fail"', async () => {
    const report = await runCheck(
      lab({ outcome: 'refused', detail: 'refused' }),
      scenario([{ probe: { from: 'shop/frontend', to: API, expect: 'failure' } }], []),
    );
    expect(report.items[0]).toMatchObject({ description: `shop/frontend → ${API} expects to fail`, pass: true });
  });

  it('a guard on a cluster-scoped object looks it up without a namespace', async () => {
    const l = lab({}, {}, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]);
    const report = await runCheck(l, scenario([verifyApi], [{ exists: 'Namespace/shop' }]));
    expect(report.items[1]).toMatchObject({ description: 'Namespace/shop still exists', pass: true });
  });
});

describe('runCheck: a taint guard reads the node', () => {
  const node = (taints: unknown[]) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker2' }, spec: { taints } });
  const guard = { taint: { node: 'worker2', key: 'dedicated', value: 'nightly', effect: 'NoExecute' }, why: 'worker2 stays in the batch pool' };
  const check = (objects: unknown[], g: unknown = guard) => runCheck(lab({ answeredBy: 'api-1' }, {}, objects as never), scenario([verifyApi], [g]));

  it('holds while the node keeps the taint, whatever else it carries', async () => {
    const report = await check([
      node([
        { key: 'other', effect: 'NoSchedule' },
        { key: 'dedicated', value: 'nightly', effect: 'NoExecute' },
      ]),
    ]);
    expect(report.items[1]).toMatchObject({ description: 'Node/worker2 keeps its taint dedicated=nightly:NoExecute', pass: true, detail: 'ok' });
    expect(report.passed).toBe(true);
  });

  it('catches the taint removed, and lists what the node carries now with the reason', async () => {
    const report = await check([node([])]);
    expect(report.items[1]).toMatchObject({ pass: false, detail: "the node's taints are now: none (worker2 stays in the batch pool)" });
    expect(report.passed).toBe(false);
  });

  it('catches the value or the effect changed, as kubectl would write the taint', async () => {
    const softened = await check([node([{ key: 'dedicated', value: 'nightly', effect: 'NoSchedule' }])]);
    expect(softened.items[1]).toMatchObject({
      pass: false,
      detail: "the node's taints are now: dedicated=nightly:NoSchedule (worker2 stays in the batch pool)",
    });
    const other = await check([node([{ key: 'dedicated', value: 'ingress', effect: 'NoExecute' }])]);
    expect(other.items[1]!.pass).toBe(false);
  });

  it('without a value, holds for the key and effect with any value', async () => {
    const report = await check([node([{ key: 'dedicated', value: 'ingress', effect: 'NoExecute' }])], {
      taint: { node: 'worker2', key: 'dedicated', effect: 'NoExecute' },
    });
    expect(report.items[1]).toMatchObject({ description: 'Node/worker2 keeps its taint dedicated:NoExecute', pass: true });
  });

  it('fails when the node itself is gone', async () => {
    const report = await check([]);
    expect(report.items[1]).toMatchObject({ pass: false, detail: 'the node worker2 is gone from the cluster' });
  });
});
