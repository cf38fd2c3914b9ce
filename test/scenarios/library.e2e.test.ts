// Every scenario, end to end on the netns lab, through the real CLI: the fault
// shows, check fails, the reference fix passes check, a shotgun fix fails a
// guard, and stop leaves the host exactly as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';
import { hostNetworkState, labNamespaces } from '../helpers/host-state.js';
import { isRoot, ROOT_ONLY } from '../helpers/root.js';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-e2e-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-library';
const cli = (...args: string[]) => netbreak(args, env);

/** The shotgun fix a learner in a hurry would try, and the guard it must trip. */
const SHOTGUN: Record<string, { args: string[]; guard: RegExp }> = {
  'deny-all-ingress': { args: ['delete', 'netpol/default-deny-ingress', '-n', 'shop'], guard: /default-deny-ingress still exists/ },
  'dns-egress-denied': { args: ['delete', 'netpol/frontend-egress', '-n', 'shop'], guard: /frontend-egress still exists/ },
  'service-selector-mismatch': { args: ['delete', 'svc/api', '-n', 'shop'], guard: /Service\/shop\/api still exists/ },
};

describe.skipIf(!isRoot)(`scenario library on the netns lab${ROOT_ONLY}`, () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    await cli('clean');
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  for (const [id, shotgun] of Object.entries(SHOTGUN)) {
    it(`${id}: fault visible, reference fix passes, shotgun fix fails a guard, stop cleans up`, async () => {
      const start = await cli('start', id, '--lab', LAB, '--json');
      expect(start.stderr).toBe('');
      expect(start.code).toBe(0);
      expect(start.json().scenario).toBe(id);

      const broken = await cli('check', '--json');
      expect(broken.code).toBe(1);
      expect(broken.json().items.filter((i: { kind: string; pass: boolean }) => i.kind === 'verify' && !i.pass).length).toBeGreaterThan(0);

      expect((await cli('solve')).code).toBe(0);
      const fixed = await cli('check', '--json');
      expect(fixed.json().items.filter((i: { pass: boolean }) => !i.pass)).toEqual([]);
      expect(fixed.code).toBe(0);

      expect((await cli(...shotgun.args)).code).toBe(0);
      const cheated = await cli('check');
      expect(cheated.code).toBe(1);
      expect(cheated.stdout).toMatch(shotgun.guard);

      const status = await cli('status', '--json');
      expect(status.json().scenario).toBe(id);

      const stop = await cli('stop', '--json');
      expect(stop.code).toBe(0);
      expect(await labNamespaces(LAB)).toEqual([]);
      expect(fs.readdirSync(path.join(stateDir, 'labs'))).toEqual([]);
    });
  }
});
