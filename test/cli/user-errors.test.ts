// What a user sees when they get something wrong: one sentence on stderr, a
// documented exit code, no stack trace, and nothing left on the machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netbreak } from '../helpers/cli.js';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-cli-'));
const env = { NETBREAK_STATE_DIR: stateDir };
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

function oneSentence(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('user errors', () => {
  it('an unknown scenario id names the close match', async () => {
    const r = await netbreak(['start', 'friday-merg'], env);
    expect(r.code).toBe(2);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/friday-merge/);
    expect(fs.existsSync(path.join(stateDir, 'labs')) ? fs.readdirSync(path.join(stateDir, 'labs')) : []).toEqual([]);
  });

  it('an unknown flag is refused with usage exit code 2', async () => {
    const r = await netbreak(['list', '--colour'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--colour'/);
  });

  it('a command that needs a lab says how to start one', async () => {
    const r = await netbreak(['check'], env);
    expect(r.code).toBe(4);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/netbreak start/);
  });

  it('netbreak kubeconfig with no lab running says how to start one, and prints no path', async () => {
    for (const args of [['kubeconfig'], ['kubeconfig', '--lab', 'play']]) {
      const r = await netbreak(args, env);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      oneSentence(r.stderr);
      expect(r.stderr).toMatch(/netbreak start|lab up/);
    }
  });

  it('a bad probe URL is named', async () => {
    const r = await netbreak(['probe', '--from', 'shop/frontend', '--to', 'ftp://x'], env);
    expect(r.code).toBe(2);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/ftp:\/\/x/);
  });

  it('apply -f with a missing file names the file', async () => {
    const r = await netbreak(['apply', '-f', 'nope.yaml'], env);
    expect(r.code).toBe(2);
    oneSentence(r.stderr);
    expect(r.stderr).toMatch(/nope\.yaml/);
  });
});

describe('list', () => {
  it('shows every scenario with its layers, difficulty and backends', async () => {
    const r = await netbreak(['list', '--json'], env);
    expect(r.code).toBe(0);
    const ids = r.json().scenarios.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['friday-merge', 'after-the-pentest', 'afternoon-deploy']));
    expect(r.json().errors).toEqual([]);
    const table = await netbreak(['list'], env);
    expect(table.stdout).toMatch(/^ID\s+TITLE\s+LAYERS\s+DIFFICULTY\s+BACKENDS/);
    expect(table.stdout).toMatch(/after-the-pentest\s+After the pentest\s+networkpolicy,dns\s+beginner/);
  });
});
