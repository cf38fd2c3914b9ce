// Seeded variants on the netns lab, through the real CLI: one scenario started
// with three seeds gets three different namespaces, ports and labels, each
// shows its fault, keeps its variant across reset, and passes check with the
// reference fix of its own variant.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';
import { guardHost } from '../helpers/host-guard.js';
import { labNamespaces } from '../helpers/host-state.js';
import { isRoot, ROOT_ONLY } from '../helpers/root.js';
import { findScenario } from '../../src/scenario/loader.js';
import type { ParamValues } from '../../src/scenario/params.js';

const ID = 'service-selector-mismatch';
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

describe.skipIf(!isRoot)(`seeded variants of ${ID} on the netns lab${ROOT_ONLY}`, () => {
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

      const diagnose = await cli('diagnose', '--layer', 'service', '--object', `Service/${params.namespace}/api`, '--cause', 'selector-matches-no-pods', '--json');
      expect(diagnose.json().points).toBe(100);

      expect((await cli('stop', '--json')).code).toBe(0);
      expect(await labNamespaces(LAB)).toEqual([]);
    }
  });
});
