// `netbreak scenario validate` through the real CLI: no lab, no root.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netbreak, ROOT } from '../helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/scenarios');

describe('netbreak scenario validate', () => {
  it('without a path checks the whole library, every variant, and exits 0', async () => {
    const r = await netbreak(['scenario', 'validate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ friday-merge {2}\(54 variants\)$/m);
    expect(r.stdout).toMatch(/^✓ afternoon-deploy {2}\(54 variants\)$/m);
    expect(r.stdout).toMatch(/scenarios, all valid\.$/m);
  });

  it('checks one folder', async () => {
    const r = await netbreak(['scenario', 'validate', path.join(ROOT, 'scenarios/after-the-pentest')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('✓ after-the-pentest  (54 variants)');
  });

  it('lists every broken scenario with file:line sentences and exits 2', async () => {
    const r = await netbreak(['scenario', 'validate', FIXTURES]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^✓ quiet-after-review$/m);
    expect(r.stdout).toMatch(/^✗ broken-yaml-syntax$/m);
    expect(r.stdout).toMatch(/^ {4}\S*broken-dangling-reference\/scenario\.yaml:10: symptom\.from: namespace "shp" is not defined/m);
    expect(r.stdout).toMatch(/^ {4}\S*broken-dangling-reference\/scenario\.yaml:20: diagnosis\.object: /m);
    // A story that gives the answer away is a broken scenario too, with the phrase quoted.
    expect(r.stdout).toMatch(/^✗ leaky-story$/m);
    expect(r.stdout).toMatch(/^ {4}\S*leaky-story\/scenario\.yaml:7: story: gives the evidence away: it says "53"/m);
    expect(r.stdout).toMatch(/^ {4}\S*leaky-story\/scenario\.yaml:7: story: names what the fault changes: "Egress"/m);
    expect(r.stdout).toMatch(/scenarios have problems\.$/m);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it('--json gives each scenario, its variants and its errors', async () => {
    const r = await netbreak(['scenario', 'validate', FIXTURES, '--json']);
    expect(r.code).toBe(2);
    const out = r.json();
    expect(out.ok).toBe(false);
    const dangling = out.scenarios.find((s: { id: string }) => s.id === 'broken-dangling-reference');
    expect(dangling).toMatchObject({ ok: false, variants: { checked: 1, total: 1 } });
    expect(dangling.errors[0]).toMatchObject({ line: 10, path: 'symptom.from', problem: expect.stringMatching(/^namespace "shp"/) });
    expect(out.scenarios.find((s: { id: string }) => s.id === 'quiet-after-review')).toMatchObject({ ok: true, errors: [] });
  });

  it('refuses a path that does not exist, in one sentence', async () => {
    const r = await netbreak(['scenario', 'validate', 'no/such/folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('netbreak: no/such/folder: does not exist; pass a scenario folder, its scenario.yaml, or a folder of scenarios.');
    const bad = await netbreak(['scenario', 'validate', '--variants', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--variants takes a whole number/);
  });
});
