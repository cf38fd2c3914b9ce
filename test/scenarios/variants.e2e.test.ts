// Seeded variants on the netns lab, through the real CLI. One scenario started
// with three seeds gets three different namespaces, ports and labels, each
// shows its fault, keeps its variant across reset, and passes check with the
// reference fix of its own variant. Then every scenario whose variants move the
// fault to another node runs three seeds side by side, each in its own lab:
// start (the healthy path, then the fault), check fails, the reference fix of
// that variant passes check and the key of that variant scores 100, stop leaves
// nothing. Those are the variants only a lab can prove (node commands, routes,
// rules on the other worker); every variant of every scenario is checked without
// a lab in variants.test.ts, and library.e2e.test.ts runs each scenario on a
// random seed. NETBREAK_E2E_ALL_VARIANTS=1 runs three seeds of every scenario.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { hostNamespacesOf, labProcessesRunning } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate();
import { BUILTIN_OBJECTS, findScenario, listScenarios, type LoadedScenario } from '../../src/scenario/loader.js';
import { drawParams, firstParams, paramsText, type ParamValues } from '../../src/scenario/params.js';

const ID = 'afternoon-deploy';
const LAB = 'e2e-variants';
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-variants-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const cli = (...args: string[]) => netbreak([...args, '--lab', LAB], env);

/** The first three seeds whose variants differ pairwise in namespace and port. */
async function threeSeeds(): Promise<{ seed: number; params: ParamValues }[]> {
  const picked: { seed: number; params: ParamValues }[] = [];
  for (let seed = 1; picked.length < 3 && seed < 1000; seed++) {
    const { params } = await findScenario(path.join(ROOT, 'scenarios'), ID, { seed });
    if (picked.every((p) => p.params.namespace !== params.namespace && p.params.port !== params.port)) picked.push({ seed, params });
  }
  return picked;
}

describe.skipIf(labTests.skip)(labTests.title(`seeded variants of ${ID} on the netns lab`), () => {
  guardHost(LAB);
  afterAll(async () => {
    await netbreak(['stop', '--lab', LAB], env);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('three seeds, three variants: each breaks, survives reset as itself, and the reference fix passes', async () => {
    const seeds = await threeSeeds();
    expect(seeds).toHaveLength(3);
    for (const [i, { seed, params }] of seeds.entries()) {
      const start = await cli('start', ID, '--seed', String(seed), '--json');
      expect(start.stderr).toBe('');
      expect(start.code).toBe(0);
      const started = start.json();
      expect(started).toMatchObject({ scenario: ID, seed, params });
      expect(started.symptom.to).toBe(`http://api.${params.namespace}.svc.cluster.local:${params.port}/`);

      const status = (await cli('status', '--json')).json();
      expect(status.seed).toBe(seed);

      const svc = await cli('get', 'svc', 'api', '-n', String(params.namespace), '-o', 'json');
      expect(svc.code).toBe(0);
      expect(svc.json().spec.ports[0].port).toBe(params.port);
      expect(svc.json().spec.selector).toEqual({ [String(params.labelKey)]: `${params.apiLabel}-v2` });

      if (i === 0) {
        // reset rebuilds the lab from the session's seed: the same variant, still broken.
        expect((await cli('reset', '--json')).code).toBe(0);
        const again = await cli('get', 'svc', 'api', '-n', String(params.namespace), '-o', 'json');
        expect(again.json().spec).toMatchObject(svc.json().spec);
        expect((await cli('check', '--json')).code).toBe(1);
      }

      expect((await cli('solve')).code).toBe(0);
      const fixed = await cli('check', '--json');
      expect(fixed.json().items.filter((item: { pass: boolean }) => !item.pass)).toEqual([]);
      expect(fixed.code).toBe(0);

      const diagnose = await cli(
        'diagnose',
        '--layer',
        'service',
        '--object',
        `Service/${params.namespace}/api`,
        '--cause',
        'selector-matches-no-pods',
        '--evidence',
        `${params.labelKey}=${params.apiLabel}-v2`,
        '--json',
      );
      expect(diagnose.json().points).toBe(100);

      expect((await cli('stop', '--json')).code).toBe(0);
      expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
      expect(await hostNamespacesOf(LAB)).toEqual([]);
    }
  });
});

const nodeNames = BUILTIN_OBJECTS.filter((o) => o.kind === 'Node').map((o) => o.name);
const { scenarios: library } = await listScenarios(path.join(ROOT, 'scenarios'));
/** A parameter whose reference value is a node name moves the fault between nodes. */
const movesNodes = (s: LoadedScenario) => Object.values(firstParams(s.scenario.params)).some((v) => nodeNames.includes(String(v)));
const toRun = process.env.NETBREAK_E2E_ALL_VARIANTS === '1' ? library : library.filter(movesNodes);

/**
 * Three seeds from 1 up whose namespaces differ pairwise and which, together,
 * put the fault on every node the scenario can draw.
 */
function seedsFor(s: LoadedScenario): { seed: number; params: ParamValues }[] {
  const spec = s.scenario.params;
  const nodeKeys = Object.entries(firstParams(spec))
    .filter(([, v]) => nodeNames.includes(String(v)))
    .map(([k]) => k);
  const placements = new Set(Array.from({ length: 500 }, (_, i) => nodeKeys.map((k) => drawParams(spec, i + 1)[k]).join(',')));
  const picked: { seed: number; params: ParamValues }[] = [];
  for (let seed = 1; picked.length < 3 && seed <= 500; seed++) {
    const params = drawParams(spec, seed);
    if (picked.some((p) => (params.namespace !== undefined && p.params.namespace === params.namespace) || paramsText(p.params) === paramsText(params)))
      continue;
    const covered = new Set([...picked, { params }].map((p) => nodeKeys.map((k) => p.params[k]).join(',')));
    // The last pick must complete the placements (at most three of them fit in three seeds).
    if (picked.length === 2 && covered.size < Math.min(placements.size, 3)) continue;
    picked.push({ seed, params });
  }
  return picked;
}

describe.skipIf(labTests.skip)(labTests.title('three seeds of each scenario on the netns lab'), () => {
  const labs = ['e2e-var-1', 'e2e-var-2', 'e2e-var-3'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-var3-'));
  const labEnv = { NETBREAK_STATE_DIR: dir };
  guardHost('e2e-var');
  afterAll(async () => {
    for (const lab of labs) if (labProcessesRunning(dir, lab).length > 0) await netbreak(['stop', '--lab', lab], labEnv);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function runVariant(s: LoadedScenario, lab: string, seed: number, params: ParamValues): Promise<void> {
    const on = (...args: string[]) => netbreak([...args, '--lab', lab], labEnv);
    const at = `${s.scenario.id} --seed ${seed} (${paramsText(params)})`;
    const start = await on('start', s.scenario.id, '--seed', String(seed), '--json');
    expect(start.code, `${at}: ${start.stderr}`).toBe(0);
    try {
      expect(start.json().params).toEqual(params);
      const broken = await on('check', '--json');
      expect(broken.code, at).toBe(1);
      expect(broken.json().items.filter((i: { kind: string; pass: boolean }) => i.kind === 'verify' && !i.pass).length, at).toBeGreaterThan(0);
      expect((await on('solve')).code, at).toBe(0);
      const fixed = await on('check', '--json');
      expect(
        fixed.json().items.filter((i: { pass: boolean }) => !i.pass),
        at,
      ).toEqual([]);
      expect(fixed.code, at).toBe(0);
      const { scenario } = await findScenario(path.join(ROOT, 'scenarios'), s.scenario.id, { seed });
      const key = scenario.diagnosis;
      const diagnose = await on('diagnose', '--layer', key.layer, '--object', key.object, '--cause', key.cause, '--evidence', key.evidence.answer, '--json');
      expect(diagnose.json().points, at).toBe(100);
    } finally {
      expect((await on('stop', '--json')).code, at).toBe(0);
      expect(labProcessesRunning(dir, lab), at).toEqual([]);
      expect(await hostNamespacesOf(lab), at).toEqual([]);
    }
  }

  for (const s of toRun) {
    const seeds = seedsFor(s);
    it(`${s.scenario.id}: seeds ${seeds.map((x) => x.seed).join(', ')} side by side, each broken, then fixed by its own reference fix`, {
      timeout: 240_000,
    }, async () => {
      expect(seeds).toHaveLength(3);
      await Promise.all(seeds.map(({ seed, params }, i) => runVariant(s, labs[i]!, seed, params)));
    });
  }
});
